using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Roundabout.EndToEnd.Tests;

/// <summary>ROUNDABOUT_&lt;OPTION&gt; on real processes: the command line wins over the environment, which wins over the default.</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class EnvironmentTests
{
    [Fact]
    public async Task Sum_RegistryFromTheEnvironmentAlone_ReachesTheRegistryOnItsPort()
    {
        await using var cluster = await ProcessCluster.StartAsync(servers: 1);
        await using var sum = CliProcess.Start(["sum", "2", "3"], new Dictionary<string, string> { ["ROUNDABOUT_REGISTRY"] = cluster.RegistryAddress });

        Assert.Equal(0, await sum.WaitForExitAsync());
        Assert.Equal($"5 (server localhost:{cluster.Servers[0].Port})", Assert.Single(sum.Lines));
    }

    [Fact]
    public async Task Registry_PortFromTheEnvironment_IsUsed_AndTheCommandLineBeatsIt()
    {
        var port = FreePort();
        var environment = new Dictionary<string, string> { ["ROUNDABOUT_PORT"] = port.ToString(CultureInfo.InvariantCulture) };
        await using var fromEnvironment = CliProcess.Start(["registry"], environment);
        Assert.Equal(port, await fromEnvironment.WaitForPortAsync(ProcessCluster.Stamp + @"\[Registry\] Service Registry running on port :(?<port>\d+)$"));

        // The same variable, now naming a port in use; the command line's --port 0 wins, so it starts.
        await using var fromCommandLine = CliProcess.Start(["registry", "--port", "0"], environment);
        var other = await fromCommandLine.WaitForPortAsync(ProcessCluster.Stamp + @"\[Registry\] Service Registry running on port :(?<port>\d+)$");

        Assert.NotEqual(port, other);
    }

    [Theory]
    [InlineData("ROUNDABOUT_PORT", "abc", "--port", "server")]
    [InlineData("ROUNDABOUT_TTL", "soon", "--ttl", "registry")]
    [InlineData("ROUNDABOUT_LOG_FORMAT", "xml", "--log-format", "database")]
    [InlineData("ROUNDABOUT_SERVERS", "0", "--servers", "up")]
    [InlineData("ROUNDABOUT_DEADLINE", "soon", "--deadline", "sum", "1", "2")]
    [InlineData("ROUNDABOUT_JSON", "maybe", "--json", "sum", "1", "2")]
    public async Task BadValueInTheEnvironment_OneLineNamingTheVariableAndExitTwo(string variable, string value, string option, params string[] args)
    {
        await using var process = CliProcess.Start(args, new Dictionary<string, string> { [variable] = value });
        process.CloseInput();

        Assert.Equal(2, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var line = Assert.Single(process.Lines);
        Assert.StartsWith($"Error: {variable}: {option} ", line, StringComparison.Ordinal);
        Assert.Contains($"Fix or unset {variable}, or give {option} on the command line.", line, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
