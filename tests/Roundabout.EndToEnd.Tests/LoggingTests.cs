using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Grpc.Net.Client;
using Roundabout.Contracts.Calculator.V1;

namespace Roundabout.EndToEnd.Tests;

/// <summary>--log-format and --log-level on real processes.</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class LoggingTests
{
    [Fact]
    public async Task Registry_LogFormatJson_WritesOneObjectPerLineWithLevelCategoryMessageAndComponent()
    {
        await using var registry = CliProcess.Start("registry", "--port", "0", "--log-format", "json");

        var match = await registry.WaitForLineAsync(@"^\{.*""Message"":""Service Registry running on port :(?<port>\d+)"".*\}$");
        var json = JsonDocument.Parse(match.Value).RootElement;

        Assert.Equal("Information", json.GetProperty("LogLevel").GetString());
        Assert.StartsWith("Roundabout.Registry", json.GetProperty("Category").GetString(), StringComparison.Ordinal);
        Assert.Equal("registry", json.GetProperty("Component").GetString());
        Assert.Equal($"Service Registry running on port :{match.Groups["port"].Value}", json.GetProperty("Message").GetString());
        Assert.All(registry.Lines, line => JsonDocument.Parse(line).Dispose());
    }

    [Fact]
    public async Task Server_LogLevelWarning_SilencesInformationLinesButKeepsWarnings()
    {
        await using var cluster = new ProcessCluster();
        await cluster.StartRegistryAsync();
        await cluster.StartDatabaseAsync(durable: false);
        var port = FreePort();
        var server = cluster.Track(CliProcess.Start(
            "server", "--port", port.ToString(CultureInfo.InvariantCulture), "--registry", cluster.RegistryAddress, "--database", $"localhost:{cluster.DatabasePort}",
            "--unsafe-multiply", "--log-level", "warning"));

        await server.WaitForLineAsync(ProcessCluster.Stamp + @"\[Server\] Warning: UNSAFE MULTIPLY");
        await cluster.RegistryProcess.WaitForLineAsync($@"\[Registry\] Server registered: localhost:{port}$");
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var reply = await new Calculator.CalculatorClient(channel).SumAsync(new SumRequest { A = "2", B = "3" }).ResponseAsync.DefaultTimeout();
        Assert.Equal("5", reply.Result);
        server.Terminate();
        await server.WaitForExitAsync();

        // Registered, running, a Sum served: all Information, all silenced; the process has exited, so its log is complete.
        Assert.DoesNotContain(server.Lines, line => line.Contains("Successfully registered", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Lines, line => line.Contains("Server running on", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Lines, line => line.Contains("Sum request", StringComparison.Ordinal));
        Assert.All(server.Lines, line => Assert.Matches(ProcessCluster.Stamp + @"\[Server\] (Warning|Error|Critical): ", line));
    }

    [Fact]
    public async Task Sum_LogFormatJsonAtDebug_LogsJsonOnStderrAndPrintsTheResultAsUsual()
    {
        await using var cluster = await ProcessCluster.StartAsync(servers: 1);
        await using var sum = CliProcess.Start("sum", "2", "3", "--registry", cluster.RegistryAddress, "--log-format", "json", "--log-level", "debug");

        Assert.Equal(0, await sum.WaitForExitAsync());

        Assert.Contains($"5 (server localhost:{cluster.Servers[0].Port})", sum.Lines);
        Assert.NotEmpty(sum.ErrorLines);
        var logs = sum.ErrorLines.Select(line => JsonDocument.Parse(line).RootElement).ToArray();
        Assert.Contains(logs, l => l.GetProperty("Component").GetString() == "client" && l.GetProperty("LogLevel").GetString() == "Debug");
        Assert.Contains(logs, l => l.GetProperty("Message").GetString()!.StartsWith("Fetched 1 server(s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Registry_BadLogLevel_OneLineAndExitTwo()
    {
        var (code, output) = await ProcessCluster.RunAsync("registry", "--log-level", "loud");

        Assert.Equal(2, code);
        Assert.Equal("Error: --log-level takes trace, debug, information, warning, error, critical or none; got 'loud'. (see 'roundabout registry --help')", output);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
