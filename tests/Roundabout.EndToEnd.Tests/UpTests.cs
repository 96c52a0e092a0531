using System.Net;
using System.Net.Sockets;

namespace Roundabout.EndToEnd.Tests;

public sealed class UpTests
{
    [Fact]
    public async Task Up_StartsEverythingRunsTheMenu_AndStopsAllWhenTheClientExits()
    {
        var (registryPort, databasePort, firstServerPort) = FreePorts();
        var dashboardPort = FreePort(except: [registryPort, databasePort, firstServerPort, firstServerPort + 1]);
        await using var up = CliProcess.Start(
            "up", "--servers", "2", "--in-memory",
            "--registry-port", Text(registryPort), "--database-port", Text(databasePort), "--first-server-port", Text(firstServerPort),
            "--dashboard-port", Text(dashboardPort));

        await up.WaitForLineAsync(@"All components are up", TimeSpan.FromSeconds(90));
        await up.WaitForLineAsync(@"\[Roundabout\] Dashboard: http://127\.0\.0\.1:" + dashboardPort + "/$");
        using (var http = new HttpClient())
        {
            var page = await http.GetStringAsync(new Uri($"http://127.0.0.1:{dashboardPort}/")).DefaultTimeout();
            Assert.Contains("<h1>Roundabout</h1>", page, StringComparison.Ordinal);
            var state = await http.GetStringAsync(new Uri($"http://127.0.0.1:{dashboardPort}/api/state")).DefaultTimeout();
            Assert.Contains($"localhost:{firstServerPort + 1}", state, StringComparison.Ordinal);
        }

        foreach (var line in new[] { "1", "2", "3", "2", "7", "3" })
        {
            await up.WriteLineAsync(line);
        }

        Assert.Equal(0, await up.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("--- Client MENU ---", up.Output, StringComparison.Ordinal);
        Assert.Matches(@"\b5\b", up.Output);
        Assert.Matches(@"\b7\b", up.Output);
        Assert.Matches(@"registry\s+\| .*\[Registry\] Service Registry running on port :" + registryPort, up.Output);
        Assert.Matches(@"server-" + firstServerPort + @"\s+\| .*\[Server\] Successfully registered to Registry", up.Output);
        foreach (var port in new[] { registryPort, databasePort, firstServerPort, firstServerPort + 1, dashboardPort })
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
            "up", "--in-memory", "--registry-port", Text(registryPort), "--database-port", Text(databasePort), "--first-server-port", Text(firstServerPort), "--no-dashboard");

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
            "up", "--in-memory", "--registry-port", Text(registryPort), "--database-port", Text(databasePort), "--first-server-port", Text(firstServerPort), "--no-dashboard");

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
            "up", "--in-memory", "--registry-port", Text(registryPort), "--database-port", Text(databasePort), "--first-server-port", Text(firstServerPort), "--no-dashboard");

        Assert.Equal(1, code);
        Assert.Contains($"Port {firstServerPort + 1} for server-{firstServerPort + 1} is already in use", output, StringComparison.Ordinal);
        Assert.DoesNotContain("registry    |", output, StringComparison.Ordinal);
        Assert.False(IsListening(registryPort), "up started a registry although a server port was taken");
    }

    [Fact]
    public async Task Up_DashboardPortTaken_FailsBeforeStartingAnything()
    {
        var (registryPort, databasePort, firstServerPort) = FreePorts();
        var dashboardPort = FreePort(except: [registryPort, databasePort, firstServerPort, firstServerPort + 1]);
        using var holder = new TcpListener(IPAddress.Loopback, dashboardPort);
        holder.Start();

        var (code, output) = await ProcessCluster.RunAsync(
            "up", "--in-memory", "--registry-port", Text(registryPort), "--database-port", Text(databasePort), "--first-server-port", Text(firstServerPort),
            "--dashboard-port", Text(dashboardPort));

        Assert.Equal(1, code);
        Assert.Contains($"Port {dashboardPort} for the dashboard is already in use; nothing was started.", output, StringComparison.Ordinal);
        Assert.False(IsListening(registryPort), "up started a registry although the dashboard port was taken");
    }

    private static int FreePort(int[] except)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var port = Random.Shared.Next(20_000, 60_000);
            if (!except.Contains(port) && IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException("Found no free port.");
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

    /// <summary>Three free ports, the third with a free neighbour (up uses consecutive server ports).</summary>
    private static (int Registry, int Database, int FirstServer) FreePorts()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var ports = Enumerable.Range(0, 3).Select(_ => Random.Shared.Next(20_000, 60_000)).ToArray();
            int[] wanted = [ports[0], ports[1], ports[2], ports[2] + 1];
            if (wanted.Distinct().Count() == 4 && wanted.All(IsFree))
            {
                return (ports[0], ports[1], ports[2]);
            }
        }

        throw new InvalidOperationException("Found no free ports.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
