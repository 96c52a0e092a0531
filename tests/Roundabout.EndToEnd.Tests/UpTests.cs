using System.Net;
using System.Net.Sockets;

namespace Roundabout.EndToEnd.Tests;

[Trait(Tier.Name, Tier.Process)]
public sealed class UpTests
{
    [Fact]
    public async Task Up_StartsEverythingRunsTheMenu_AndStopsAllWhenTheClientExits()
    {
        var (registryPort, databasePort, firstServerPort, firstMetricsPort) = FreePorts();
        var dashboardPort = firstMetricsPort + 4; // FreePorts keeps it free too
        await using var up = CliProcess.Start(
            "up", "--servers", "2", "--in-memory",
            "--registry-port", Text(registryPort), "--database-port", Text(databasePort), "--first-server-port", Text(firstServerPort), "--first-metrics-port", Text(firstMetricsPort),
            "--dashboard-port", Text(dashboardPort));

        await up.WaitForLineAsync(@"All components are up", TimeSpan.FromSeconds(90));
        await up.WaitForLineAsync(@"\[Roundabout\] Dashboard: http://127\.0\.0\.1:" + dashboardPort + "/$");
        // Every component's metrics endpoint is printed, and answers with its own instruments.
        var metrics = $"registry http://127.0.0.1:{firstMetricsPort}/metrics, database http://127.0.0.1:{firstMetricsPort + 1}/metrics, " +
            $"server-{firstServerPort} http://127.0.0.1:{firstMetricsPort + 2}/metrics, server-{firstServerPort + 1} http://127.0.0.1:{firstMetricsPort + 3}/metrics";
        Assert.Contains($"Metrics (Prometheus text): {metrics}.", up.Output, StringComparison.Ordinal);
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) })
        {
            Assert.Contains("roundabout_registry_members", await http.GetStringAsync(new Uri($"http://127.0.0.1:{firstMetricsPort}/metrics")), StringComparison.Ordinal);
            Assert.Contains("target_info{service_name=\"roundabout-server\"", await http.GetStringAsync(new Uri($"http://127.0.0.1:{firstMetricsPort + 3}/metrics")), StringComparison.Ordinal);
        }

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
        // The client's own lines (the components' lines carry a "name | " prefix), each naming one of up's servers.
        var clientLines = up.Lines.Where(l => !System.Text.RegularExpressions.Regex.IsMatch(l, @"^[\w-]+\s+\| ")).ToArray();
        var servers = $"localhost:(?:{firstServerPort}|{firstServerPort + 1})";
        Assert.Contains(clientLines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"\[Client\] Result: 5 \(computed by server {servers}\)$"));
        Assert.Contains(clientLines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"\[Client\] GlobalAccumulator is now 7 \(computed by server {servers}\)$"));
        Assert.Matches(@"registry\s+\| .*\[Registry\] Service Registry running on port :" + registryPort, up.Output);
        Assert.Matches(@"server-" + firstServerPort + @"\s+\| .*\[Server\] Successfully registered to Registry", up.Output);
        foreach (var port in new[] { registryPort, databasePort, firstServerPort, firstServerPort + 1, firstMetricsPort, firstMetricsPort + 3, dashboardPort })
        {
            Assert.False(IsListening(port), $"port {port} is still in use after up exited");
        }
    }

    [Fact]
    public async Task Up_LogFormatJson_PassesEachChildsLinesOnAsObjectsNamingTheProcess()
    {
        var (registryPort, databasePort, firstServerPort, firstMetricsPort) = FreePorts();
        await using var up = CliProcess.Start(
            "up", "--servers", "1", "--in-memory", "--log-format", "json",
            "--registry-port", Text(registryPort), "--database-port", Text(databasePort), "--first-server-port", Text(firstServerPort),
            "--first-metrics-port", Text(firstMetricsPort), "--no-dashboard");

        await up.WaitForLineAsync(@"^\{.*""Component"":""up"".*All components are up", TimeSpan.FromSeconds(90));
        await up.WriteLineAsync("3");

        Assert.Equal(0, await up.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        // The menu shares the terminal; every log line is a JSON object.
        var logs = up.Lines.Where(l => l.StartsWith('{')).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Contains(logs, l => l.GetProperty("Process").GetString() == "registry" && l.GetProperty("Component").GetString() == "registry"
            && l.GetProperty("Message").GetString() == $"Service Registry running on port :{registryPort}");
        Assert.Contains(logs, l => l.GetProperty("Process").GetString() == $"server-{firstServerPort}" && l.GetProperty("Message").GetString() == "Successfully registered to Registry");
        Assert.DoesNotContain(up.Lines, l => l.Contains(" | ", StringComparison.Ordinal) && l.Contains("[Registry]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Up_PortTaken_FailsWithAClearMessageAndLeavesNothingRunning()
    {
        var (registryPort, databasePort, firstServerPort, firstMetricsPort) = FreePorts();
        using var holder = new TcpListener(IPAddress.Loopback, databasePort);
        holder.Start();

        var (code, output) = await ProcessCluster.RunAsync(
            "up", "--in-memory", "--registry-port", Text(registryPort), "--database-port", Text(databasePort), "--first-server-port", Text(firstServerPort), "--first-metrics-port", Text(firstMetricsPort), "--no-dashboard");

        Assert.Equal(1, code);
        Assert.Contains("database", output, StringComparison.Ordinal);
        Assert.Contains("already in use", output, StringComparison.Ordinal);
        await Eventually.UntilAsync(() => !IsListening(registryPort), "the registry started by up has stopped");
    }

    [Fact]
    public async Task Up_RegistryPortHeldByAnotherRegistry_FailsBeforeStartingAnything()
    {
        // The audit's case: another registry already answers on the port, healthy and all.
        var (registryPort, databasePort, firstServerPort, firstMetricsPort) = FreePorts();
        await using var other = new ProcessCluster();
        await other.StartRegistryAsync(registryPort);

        var (code, output) = await ProcessCluster.RunAsync(
            "up", "--in-memory", "--registry-port", Text(registryPort), "--database-port", Text(databasePort), "--first-server-port", Text(firstServerPort), "--first-metrics-port", Text(firstMetricsPort), "--no-dashboard");

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
        var (registryPort, databasePort, firstServerPort, firstMetricsPort) = FreePorts();
        using var holder = new TcpListener(IPAddress.Loopback, firstServerPort + 1);
        holder.Start();

        var (code, output) = await ProcessCluster.RunAsync(
            "up", "--in-memory", "--registry-port", Text(registryPort), "--database-port", Text(databasePort), "--first-server-port", Text(firstServerPort), "--first-metrics-port", Text(firstMetricsPort), "--no-dashboard");

        Assert.Equal(1, code);
        Assert.Contains($"Port {firstServerPort + 1} for server-{firstServerPort + 1} is already in use", output, StringComparison.Ordinal);
        Assert.DoesNotContain("registry    |", output, StringComparison.Ordinal);
        Assert.False(IsListening(registryPort), "up started a registry although a server port was taken");
    }

    [Fact]
    public async Task Up_MetricsPortTaken_FailsBeforeStartingAnything()
    {
        var (registryPort, databasePort, firstServerPort, firstMetricsPort) = FreePorts();
        using var holder = new TcpListener(IPAddress.Loopback, firstMetricsPort + 1);
        holder.Start();

        var (code, output) = await ProcessCluster.RunAsync(
            "up", "--in-memory", "--registry-port", Text(registryPort), "--database-port", Text(databasePort),
            "--first-server-port", Text(firstServerPort), "--first-metrics-port", Text(firstMetricsPort), "--no-dashboard");

        Assert.Equal(1, code);
        Assert.Contains($"Port {firstMetricsPort + 1} for the database's metrics is already in use; nothing was started. Stop what holds it or choose another port with --first-metrics-port.", output, StringComparison.Ordinal);
        Assert.False(IsListening(registryPort), "up started a registry although a metrics port was taken");
    }

    [Fact]
    public async Task Up_DashboardPortTaken_FailsBeforeStartingAnything()
    {
        var (registryPort, databasePort, firstServerPort, firstMetricsPort) = FreePorts();
        var dashboardPort = firstMetricsPort + 4; // FreePorts keeps it free too
        using var holder = new TcpListener(IPAddress.Loopback, dashboardPort);
        holder.Start();

        var (code, output) = await ProcessCluster.RunAsync(
            "up", "--in-memory", "--registry-port", Text(registryPort), "--database-port", Text(databasePort), "--first-server-port", Text(firstServerPort), "--first-metrics-port", Text(firstMetricsPort),
            "--dashboard-port", Text(dashboardPort));

        Assert.Equal(1, code);
        Assert.Contains($"Port {dashboardPort} for the dashboard is already in use; nothing was started.", output, StringComparison.Ordinal);
        Assert.False(IsListening(registryPort), "up started a registry although the dashboard port was taken");
    }

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsListening(int port) => Roundabout.Testing.FreePorts.IsListening(port);

    /// <summary>
    /// Four free ports from below the ephemeral range (no other test's port-0 listener or connection
    /// can take them before up binds them): the registry's, the database's, the first server's
    /// (with a free neighbour: up uses consecutive server ports) and the first metrics port (with
    /// three free after it: the metrics of the registry, the database and two servers).
    /// </summary>
    internal static (int Registry, int Database, int FirstServer, int FirstMetrics) FreePorts()
    {
        var first = Roundabout.Testing.FreePorts.Block(9); // the ninth for the dashboard: FirstMetrics + 4
        return (first, first + 1, first + 2, first + 4);
    }
}
