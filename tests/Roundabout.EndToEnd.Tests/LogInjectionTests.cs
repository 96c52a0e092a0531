using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Roundabout.Contracts.Calculator.V1;
using Roundabout.Contracts.Registry.V1;
using RegistryApi = Roundabout.Contracts.Registry.V1.Registry;

namespace Roundabout.EndToEnd.Tests;

/// <summary>A client's text can neither forge a log line nor put a NUL into a log, on any component.</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class LogInjectionTests
{
    private const string Forged = "2026/11/26 06:59:11 [Server] FAKE LOG LINE";

    [Fact]
    public async Task Sum_WithANewlineOrNulInANumber_IsRefusedAndTheLogStaysOneLinePerEvent()
    {
        await using var cluster = await ProcessCluster.StartAsync(servers: 1);
        var (server, port) = cluster.Servers[0];
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var calculator = new Calculator.CalculatorClient(channel);

        var forged = await Assert.ThrowsAsync<RpcException>(() => calculator.SumAsync(new SumRequest { A = "1\n" + Forged, B = "1" }).ResponseAsync.DefaultTimeout());
        var nul = await Assert.ThrowsAsync<RpcException>(() => calculator.SumAsync(new SumRequest { A = "5\0", B = "1" }).ResponseAsync.DefaultTimeout());
        var tab = await Assert.ThrowsAsync<RpcException>(() => calculator.SumAsync(new SumRequest { A = "5", B = "\t6" }).ResponseAsync.DefaultTimeout());

        Assert.Equal(StatusCode.InvalidArgument, forged.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, nul.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, tab.StatusCode);
        Assert.Contains("'5\\u0000'", nul.Status.Detail, StringComparison.Ordinal);

        // The refusals are logged, with the client's text escaped on the refusal's own line.
        await server.WaitForLineAsync(@"refused: a: '5\\u0000' is not a whole number");
        await server.WaitForLineAsync(@"refused: a: '1\\n2026/11/26 06:59:11 \[Server\] FAKE");
        Assert.DoesNotContain(server.Lines, line => line.StartsWith(Forged, StringComparison.Ordinal));
        Assert.DoesNotContain(server.Lines, line => line.Contains('\0', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sum_WithANewlineInANumber_JsonLog_StaysOneObjectPerLineWithTheTextEscaped()
    {
        await using var cluster = new ProcessCluster();
        await cluster.StartRegistryAsync();
        await cluster.StartDatabaseAsync(durable: false);
        var server = cluster.Track(CliProcess.Start(
            "server", "--port", "0", "--registry", cluster.RegistryAddress, "--database", $"localhost:{cluster.DatabasePort}", "--log-format", "json"));
        var port = await server.WaitForPortAsync(@"""Message"":""Server running on localhost:(?<port>\d+)\. Waiting for requests\.\.\.""");
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var calculator = new Calculator.CalculatorClient(channel);

        var forged = await Assert.ThrowsAsync<RpcException>(() => calculator.SumAsync(new SumRequest { A = "1\n" + Forged, B = "1" }).ResponseAsync.DefaultTimeout());

        Assert.Equal(StatusCode.InvalidArgument, forged.StatusCode);
        // The client's text is escaped where it is logged (\n as two characters), then JSON-escaped again.
        var refusal = await server.WaitForLineAsync(@"^\{.*refused: a: '1\\\\n2026/11/26 06:59:11 \[Server\] FAKE.*\}$");
        var message = JsonDocument.Parse(refusal.Value).RootElement.GetProperty("Message").GetString();
        Assert.Contains("'1\\n2026/11/26 06:59:11 [Server] FAKE", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message!);
        Assert.All(server.Lines, line => JsonDocument.Parse(line).Dispose());
        Assert.DoesNotContain(server.Lines, line => line.StartsWith(Forged, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Register_WithANewlineInMetadata_IsRefusedAndForgesNoLine()
    {
        await using var cluster = new ProcessCluster();
        await cluster.StartRegistryAsync();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{cluster.RegistryPort}");
        var registry = new RegistryApi.RegistryClient(channel);
        var request = new RegisterRequest { Address = "localhost:9001" };
        request.Metadata.Add("k\n2026/11/26 06:59:11 [Registry] Server registered: evil:1", "v");

        var error = await Assert.ThrowsAsync<RpcException>(() => registry.RegisterAsync(request).ResponseAsync.DefaultTimeout());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("metadata key 'k\\n2026/11/26", error.Status.Detail, StringComparison.Ordinal);

        // The refusal itself is not logged. A registration sent after it is, and lines come out in
        // order: once that line is there, a line the refused call forged would be there too.
        await registry.RegisterAsync(new RegisterRequest { Address = "localhost:9002" }).ResponseAsync.DefaultTimeout();
        await cluster.RegistryProcess.WaitForLineAsync(@"Server registered: localhost:9002");
        Assert.DoesNotContain(cluster.RegistryProcess.Lines, line => line.StartsWith("2026/11/26 06:59:11 [Registry] Server registered: evil", StringComparison.Ordinal));
    }
}
