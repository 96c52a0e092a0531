using System.Globalization;
using System.Text.RegularExpressions;

namespace Roundabout.EndToEnd.Tests;

/// <summary><c>up --tls</c>: everything over TLS with a throwaway CA, which is gone when up exits.</summary>
public sealed partial class UpTlsTests
{
    [Fact]
    public async Task UpTls_ServesTheMenuOverTls_OtherClientsNeedTheCa_AndTheCaIsDeletedOnExit()
    {
        var (registryPort, databasePort, firstServerPort, firstMetricsPort) = UpTests.FreePorts();
        await using var up = CliProcess.Start(
            "up", "--tls", "--servers", "1", "--in-memory",
            "--registry-port", Text(registryPort), "--database-port", Text(databasePort), "--first-server-port", Text(firstServerPort),
            "--first-metrics-port", Text(firstMetricsPort));

        await up.WaitForLineAsync(@"All components are up", TimeSpan.FromSeconds(90));
        var caPath = CaFile().Match(up.Output).Groups["path"].Value;
        var registry = $"localhost:{Text(registryPort)}";
        var withCa = await ProcessCluster.RunAsync("sum", "20", "22", "--registry", registry, "--tls-ca", caPath);
        var cleartext = await ProcessCluster.RunAsync("sum", "20", "22", "--registry", registry);
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
