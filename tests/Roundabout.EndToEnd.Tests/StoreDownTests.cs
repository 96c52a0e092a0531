using System.Text.Json;

namespace Roundabout.EndToEnd.Tests;

/// <summary>With the database down, one-shot commands blame the database, say what a one-shot user can do, and speak JSON with --json.</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class StoreDownTests
{
    [Fact]
    public async Task Multiply_DatabaseDown_NamesTheDatabaseAndItsAddress()
    {
        await using var cluster = await ProcessCluster.StartAsync(servers: 2);
        await WaitRegisteredAsync(cluster);
        cluster.DatabaseProcess.Kill();
        await cluster.DatabaseProcess.WaitForExitAsync();

        // The attempt timeout is longer than the server's own call to the database, so that on a
        // loaded machine the client hears the server blame its store rather than giving up first.
        var (code, output) = await ProcessCluster.RunAsync("multiply", "3", "--registry", cluster.RegistryAddress, "--attempt-timeout", "10s", "--deadline", "20s");

        Assert.Equal(1, code);
        Assert.Contains($"the database at localhost:{cluster.DatabasePort} is unreachable", output, StringComparison.Ordinal);
        Assert.Contains("may or may not have been applied", output, StringComparison.Ordinal);
        Assert.Contains("'roundabout accumulator'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("No server answered", output, StringComparison.Ordinal);
        Assert.DoesNotContain("servers are running", output, StringComparison.Ordinal);
        Assert.DoesNotContain("request id", output, StringComparison.Ordinal);
        Assert.DoesNotContain("menu", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Multiply_DatabaseDownWithJson_PrintsOneJsonErrorOnStderr()
    {
        await using var cluster = await ProcessCluster.StartAsync(servers: 1);
        await WaitRegisteredAsync(cluster);
        cluster.DatabaseProcess.Kill();
        await cluster.DatabaseProcess.WaitForExitAsync();

        await using var process = CliProcess.Start("multiply", "3", "--json", "--registry", cluster.RegistryAddress, "--attempt-timeout", "10s", "--deadline", "20s");
        process.CloseInput();
        Assert.Equal(1, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        var line = Assert.Single(process.ErrorLines);
        Assert.Equal(process.Lines, process.ErrorLines);
        using var json = JsonDocument.Parse(line);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("Unavailable", error.GetProperty("code").GetString());
        Assert.Equal($"the database at localhost:{cluster.DatabasePort}", error.GetProperty("store").GetString());
        Assert.Contains($"the database at localhost:{cluster.DatabasePort} is unreachable", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static async Task WaitRegisteredAsync(ProcessCluster cluster)
    {
        foreach (var (_, port) in cluster.Servers)
        {
            await cluster.RegistryProcess.WaitForLineAsync(ProcessCluster.Stamp + $@"\[Registry\] Server registered: localhost:{port}$");
        }
    }
}
