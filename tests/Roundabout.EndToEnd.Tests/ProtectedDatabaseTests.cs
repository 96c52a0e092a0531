using System.Text.Json;

namespace Roundabout.EndToEnd.Tests;

/// <summary>
/// A database and servers with tokens, each read from a file: the dashboard, given the database's
/// token the same way, shows the accumulators; and reset needs the token the servers have.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Trait(Tier.Name, Tier.Process)]
public sealed class ProtectedDatabaseTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("roundabout-tokens-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Dashboard_WithTheDatabaseTokenFromAFile_ShowsTheAccumulators_AndResetNeedsTheServersToken()
    {
        var databaseToken = Write("database-token", "db-s3cret\n");
        var token = Write("token", "cluster-s3cret\n");
        await using var cluster = new ProcessCluster();
        await cluster.StartRegistryAsync();
        var database = cluster.Track(CliProcess.Start("database", "--port", "0", "--in-memory", "--token-file", databaseToken));
        var databasePort = await database.WaitForPortAsync(LogLines.DatabaseRunning);
        var server = cluster.Track(CliProcess.Start(
            "server", "--port", "0", "--registry", cluster.RegistryAddress, "--database", $"127.0.0.1:{databasePort}",
            "--database-token-file", databaseToken, "--token-file", token));
        await server.WaitForPortAsync(LogLines.ServerRunning);
        var dashboard = cluster.Track(CliProcess.Start(
            "dashboard", "--port", "0", "--registry", cluster.RegistryAddress, "--database", $"127.0.0.1:{databasePort}",
            "--database-token-file", databaseToken, "--accumulator", "guarded"));
        var dashboardPort = await dashboard.WaitForPortAsync(@"Dashboard running on http://127\.0\.0\.1:(?<port>\d+)/");

        var multiply = await ProcessCluster.RunAsync("multiply", "7", "--name", "guarded", "--registry", cluster.RegistryAddress);
        var refused = await ProcessCluster.RunAsync("reset", "--name", "guarded", "--registry", cluster.RegistryAddress);
        var stillSeven = await ProcessCluster.RunAsync("accumulator", "--name", "guarded", "--registry", cluster.RegistryAddress);

        Assert.True(multiply.ExitCode == 0, multiply.Output);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("ResetAccumulator needs this server's token", refused.Output, StringComparison.Ordinal);
        Assert.StartsWith("7 ", stillSeven.Output.Trim(), StringComparison.Ordinal);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Eventually.UntilAsync(
            async () =>
            {
                using var state = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{dashboardPort}/api/state")));
                var accumulators = state.RootElement.GetProperty("accumulators");
                return accumulators.GetProperty("reachable").GetBoolean()
                    && accumulators.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("name").GetString() == "guarded" && i.GetProperty("value").GetString() == "7");
            },
            "the dashboard reads guarded = 7 from the protected database",
            TimeSpan.FromSeconds(30));

        var reset = await ProcessCluster.RunAsync("reset", "--name", "guarded", "--registry", cluster.RegistryAddress, "--token-file", token);
        Assert.True(reset.ExitCode == 0, reset.Output);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }
}
