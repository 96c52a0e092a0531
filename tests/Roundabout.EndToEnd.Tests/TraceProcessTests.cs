using System.Globalization;

namespace Roundabout.EndToEnd.Tests;

/// <summary>
/// With OTEL_EXPORTER_OTLP_ENDPOINT set, one client call is one trace across three processes:
/// the client's span, the server's span beneath the client's gRPC attempt, and the database's
/// span beneath the server's gRPC call, all received by a collector on loopback.
/// </summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class TraceProcessTests
{
    [Fact]
    public async Task ClientMultiply_OneTraceCrossesTheClientServerAndDatabaseProcesses()
    {
        using var collector = new OtlpReceiver();
        await using var cluster = new ProcessCluster { Environment = collector.Environment };
        await cluster.StartRegistryAsync();
        await cluster.StartDatabaseAsync(durable: false);
        var (_, serverPort) = await cluster.StartServerAsync();

        await MultiplyAsync(cluster, collector);
        var (trace, call, onServer, onDatabase) = await WaitForTraceAsync(
            collector, s => s.Service == "roundabout-database" && s.Kind == SpanKind.Server, "the database's span");

        // Hop 1: the server's span is the child of the client process's gRPC attempt, itself under
        // the call; the attempt names the server it reached, the server's span the method.
        var attempt = Assert.Single(trace, s => s.SpanId == onServer.ParentSpanId);
        Assert.Equal(("roundabout-client", SpanKind.Client), (attempt.Service, attempt.Kind));
        Assert.Equal(call.SpanId, attempt.ParentSpanId);
        Assert.Equal(("localhost", serverPort.ToString(CultureInfo.InvariantCulture)), (attempt.Attributes["server.address"], attempt.Attributes["server.port"]));
        Assert.Equal("roundabout.calculator.v1.Calculator/Multiply", onServer.Name);
        Assert.Equal("roundabout.database.v1.Database/Txn", onDatabase.Name);

        // Hop 2: the database's span is the child of the server process's gRPC call to it,
        // which descends from the server's span of this very call.
        var databaseCall = Assert.Single(trace, s => s.SpanId == onDatabase.ParentSpanId);
        Assert.Equal(("roundabout-server", SpanKind.Client), (databaseCall.Service, databaseCall.Kind));
        Assert.Contains(onServer.SpanId, Ancestors(trace, databaseCall));
        Assert.Contains(call.SpanId, Ancestors(trace, onDatabase));
    }

    [Fact]
    public async Task ClientMultiply_OnRedis_TheRedisCommandIsASpanUnderTheServersSpan()
    {
        using var collector = new OtlpReceiver();
        await using var cluster = new ProcessCluster { Environment = collector.Environment };
        await cluster.StartRegistryAsync();
        using var redis = RedisProcess.Start();
        var server = cluster.Track(CliProcess.Start(
            ["server", "--port", "0", "--registry", cluster.RegistryAddress, "--store", $"redis://127.0.0.1:{redis.Port}"], collector.Environment));
        await server.WaitForLineAsync(ProcessCluster.Stamp + @"\[Server\] Server running on localhost:\d+\. Waiting for requests\.\.\.$", TimeSpan.FromSeconds(60));

        await MultiplyAsync(cluster, collector);
        var (trace, _, onServer, command) = await WaitForTraceAsync(
            collector,
            s => s.Service == "roundabout-server" && s.Kind == SpanKind.Client && s.Name.StartsWith("EVAL", StringComparison.Ordinal),
            "the server's Redis command");

        Assert.Contains(onServer.SpanId, Ancestors(trace, command));
    }

    /// <summary>One traced `multiply 7` through the command, with generous deadlines: the first traced call warms up cold processes.</summary>
    private static async Task MultiplyAsync(ProcessCluster cluster, OtlpReceiver collector)
    {
        await using var client = CliProcess.Start(
            ["multiply", "7", "--registry", cluster.RegistryAddress, "--deadline", "60s", "--attempt-timeout", "30s"], collector.Environment);
        client.CloseInput();
        Assert.True(await client.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, client.Output);
    }

    /// <summary>
    /// Waits until the collector has the client's Multiply span, the server's span and one more
    /// span (<paramref name="further"/>) in the same trace; returns that trace and the three spans.
    /// </summary>
    private static async Task<(List<ReceivedSpan> Trace, ReceivedSpan Call, ReceivedSpan OnServer, ReceivedSpan Further)> WaitForTraceAsync(
        OtlpReceiver collector, Func<ReceivedSpan, bool> further, string what)
    {
        ReceivedSpan? call = null;
        ReceivedSpan? onServer = null;
        ReceivedSpan? found = null;
        await Eventually.UntilAsync(() =>
        {
            var spans = collector.Spans;
            call = spans.FirstOrDefault(s => s.Service == "roundabout-client" && s.Name == "RoundaboutClient.Multiply");
            onServer = spans.FirstOrDefault(s => s.Service == "roundabout-server" && s.Kind == SpanKind.Server && s.TraceId == call?.TraceId);
            found = spans.FirstOrDefault(s => s.TraceId == call?.TraceId && further(s));
            return onServer is not null && found is not null;
        }, $"the collector has the client's span, the server's span and {what}, in one trace", TimeSpan.FromSeconds(60));

        return (collector.Spans.Where(s => s.TraceId == call!.TraceId).ToList(), call!, onServer!, found!);
    }

    private static List<string> Ancestors(List<ReceivedSpan> trace, ReceivedSpan span)
    {
        var ancestors = new List<string>();
        var current = span;
        while (current.ParentSpanId.Length > 0 && trace.FirstOrDefault(s => s.SpanId == current.ParentSpanId) is { } parent && ancestors.Count < 64)
        {
            ancestors.Add(parent.SpanId);
            current = parent;
        }

        return ancestors;
    }
}
