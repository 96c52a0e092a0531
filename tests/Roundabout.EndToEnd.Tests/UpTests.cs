using System.Net;
using System.Net.Sockets;

namespace Roundabout.EndToEnd.Tests;

[Trait(Tier.Name, Tier.Process)]
public sealed class UpTests
{
    [Fact]
    public async Task Up_StartsEverythingRunsTheMenu_AndStopsAllWhenTheClientExits()
    {
        var (registryPort, databasePort, firstServerPort) = FreePorts();
        await using var up = CliProcess.Start(
            "up", "--servers", "2", "--in-memory",
            "--registry-port", Text(registryPort), "--database-port", Text(databasePort), "--first-server-port", Text(firstServerPort));

        await up.WaitForLineAsync(@"All components are up", TimeSpan.FromSeconds(90));
        foreach (var line in new[] { "1", "2", "3", "2", "7", "3" })
        {
            await up.WriteLineAsync(line);
        }

        Assert.Equal(0, await up.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("--- Client MENU ---", up.Output, StringComparison.Ordinal);
        // The client's own lines (the components' lines carry a "name | " prefix), each naming one of up's servers.
        var clientLines = up.Lines.Where(l => !System.Text.RegularExpressions.Regex.IsMatch(l, @"^[\w-]+\s+\| ")).ToArray();
        var servers = $"localhost:(?:{firstServerPort}|{firstServerPort + 1})";
        Assert.Contains(clientLines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"\[Client\] Result: 5 \(computed by server {servers}\)$"));
        Assert.Contains(clientLines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"\[Client\] GlobalAccumulator is now 7 \(computed by server {servers}\)$"));
        Assert.Matches(@"registry\s+\| .*\[Registry\] Service Registry running on port :" + registryPort, up.Output);
        Assert.Matches(@"server-" + firstServerPort + @"\s+\| .*\[Server\] Successfully registered to Registry", up.Output);
        foreach (var port in new[] { registryPort, databasePort, firstServerPort, firstServerPort + 1 })
        {
            Assert.False(IsListening(port), $"port {port} is still in use after up exited");
        }
    }

    [Fact]
    public async Task Up_PortTaken_FailsWithAClearMessageAndLeavesNothingRunning()
    {
        var (registryPort, databasePort, firstServerPort) = FreePorts();
        using var holder = new TcpListener(IPAddress.Loopback, databasePort);
        holder.Start();

        var (code, output) = await ProcessCluster.RunAsync(
            "up", "--in-memory", "--registry-port", Text(registryPort), "--database-port", Text(databasePort), "--first-server-port", Text(firstServerPort));

        Assert.Equal(1, code);
        Assert.Contains("database", output, StringComparison.Ordinal);
        Assert.Contains("already in use", output, StringComparison.Ordinal);
        await Eventually.UntilAsync(() => !IsListening(registryPort), "the registry started by up has stopped");
    }

    [Fact]
    public async Task Up_RegistryPortHeldByAnotherRegistry_FailsBeforeStartingAnything()
    {
        // The audit's case: another registry already answers on the port, healthy and all.
        var (registryPort, databasePort, firstServerPort) = FreePorts();
        await using var other = new ProcessCluster();
        await other.StartRegistryAsync(registryPort);

        var (code, output) = await ProcessCluster.RunAsync(
            "up", "--in-memory", "--registry-port", Text(registryPort), "--database-port", Text(databasePort), "--first-server-port", Text(firstServerPort));

        Assert.Equal(1, code);
        Assert.Contains($"Port {registryPort} for the registry is already in use; nothing was started.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("All components are up", output, StringComparison.Ordinal);
        Assert.DoesNotContain("database    |", output, StringComparison.Ordinal);
        Assert.DoesNotContain("server-", output, StringComparison.Ordinal);
        Assert.False(IsListening(databasePort), "up started a database although the registry port was taken");
        Assert.False(other.RegistryProcess.HasExited, "the other registry was disturbed");
    }

    [Fact]
    public async Task Up_ServerPortTaken_FailsBeforeStartingAnything()
    {
        var (registryPort, databasePort, firstServerPort) = FreePorts();
        using var holder = new TcpListener(IPAddress.Loopback, firstServerPort + 1);
        holder.Start();

        var (code, output) = await ProcessCluster.RunAsync(
            "up", "--in-memory", "--registry-port", Text(registryPort), "--database-port", Text(databasePort), "--first-server-port", Text(firstServerPort));

        Assert.Equal(1, code);
        Assert.Contains($"Port {firstServerPort + 1} for server-{firstServerPort + 1} is already in use", output, StringComparison.Ordinal);
        Assert.DoesNotContain("registry    |", output, StringComparison.Ordinal);
        Assert.False(IsListening(registryPort), "up started a registry although a server port was taken");
    }

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Three free ports, the third with a free neighbour (up uses consecutive server ports), from
    /// below the ephemeral range: no other test's port-0 listener or connection can take them before up binds them.
    /// </summary>
    private static (int Registry, int Database, int FirstServer) FreePorts()
    {
        var first = Roundabout.Testing.FreePorts.Block(4);
        return (first, first + 1, first + 2);
    }
}
