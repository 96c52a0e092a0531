using System.Globalization;
using System.Text.RegularExpressions;

namespace Roundabout.EndToEnd.Tests;

/// <summary>
/// <c>up --tls</c>: everything over TLS with a throwaway CA, which is gone when up exits; the
/// dashboard dials the registry, the database and the server over TLS too.
/// </summary>
[Trait(Tier.Name, Tier.Process)]
public sealed partial class UpTlsTests
{
    [Fact]
    public async Task UpTls_ServesTheMenuOverTls_OtherClientsNeedTheCa_AndTheCaIsDeletedOnExit()
    {
        var (registryPort, databasePort, firstServerPort, firstMetricsPort) = UpTests.FreePorts();
        var dashboardPort = firstMetricsPort + 4; // FreePorts keeps it free too
        await using var up = CliProcess.Start(
            "up", "--tls", "--servers", "1", "--in-memory",
            "--registry-port", Text(registryPort), "--database-port", Text(databasePort), "--first-server-port", Text(firstServerPort),
            "--first-metrics-port", Text(firstMetricsPort), "--dashboard-port", Text(dashboardPort));

        await up.WaitForLineAsync(@"All components are up", TimeSpan.FromSeconds(90));
        await up.WaitForLineAsync(@"\[Roundabout\] Dashboard: http://127\.0\.0\.1:" + dashboardPort + "/$");
        var caPath = CaFile().Match(up.Output).Groups["path"].Value;
        var registry = $"localhost:{Text(registryPort)}";
        var withCa = await ProcessCluster.RunAsync("sum", "20", "22", "--registry", registry, "--tls-ca", caPath);
        var cleartext = await ProcessCluster.RunAsync("sum", "20", "22", "--registry", registry);

        // The dashboard reached the TLS registry (the server is listed), the server (its health
        // probe answers) and the database (the accumulators were read).
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            var state = string.Empty;
            await Eventually.UntilAsync(
                async () =>
                {
                    state = await http.GetStringAsync(new Uri($"http://127.0.0.1:{dashboardPort}/api/state"));
                    return state.Contains($"localhost:{firstServerPort}", StringComparison.Ordinal)
                        && state.Contains("\"status\":\"serving\"", StringComparison.Ordinal)
                        && state.Contains("\"accumulators\":{\"reachable\":true", StringComparison.Ordinal);
                },
                "the dashboard lists the server as serving and reads the accumulators, all over TLS",
                TimeSpan.FromSeconds(30));
        }
        foreach (var line in new[] { "1", "2", "3", "3" })
        {
            await up.WriteLineAsync(line);
        }

        Assert.Equal(0, await up.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.True(withCa.ExitCode == 0, withCa.Output);
        Assert.StartsWith("42 ", withCa.Output, StringComparison.Ordinal);
        Assert.Equal(1, cleartext.ExitCode);
        Assert.Matches(@"Result: 5\b", up.Output);
        Assert.False(File.Exists(caPath), $"the throwaway CA {caPath} is still there after up exited");
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"--tls-ca (?<path>\S+ca\.pem)")]
    private static partial Regex CaFile();
}
