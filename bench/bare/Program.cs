using System.Diagnostics;
using System.Globalization;
using Grpc.Net.Client;
using Roundabout.Contracts.Calculator.V1;

// Usage: Roundabout.Bench.Bare HOST:PORT [CONCURRENCY] [SECONDS] [DEADLINE_MS]
// Prints one line: "bare sum: N calls in S s: R calls/s". With DEADLINE_MS, every call carries a
// deadline (a grpc-timeout header and a timer on both sides), to measure what a deadline costs.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Roundabout.Bench.Bare HOST:PORT [CONCURRENCY] [SECONDS] [DEADLINE_MS]");
    return 2;
}

var target = args[0];
var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;
var seconds = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 10;
TimeSpan? deadline = args.Length > 3 ? TimeSpan.FromMilliseconds(double.Parse(args[3], CultureInfo.InvariantCulture)) : null;

using var channel = GrpcChannel.ForAddress($"http://{target}", new GrpcChannelOptions
{
    HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
});
var client = new Calculator.CalculatorClient(channel);
var request = new SumRequest { A = "2", B = "3" };
await client.SumAsync(request);

var counts = new long[concurrency];
var stopwatch = Stopwatch.StartNew();
var end = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
var workers = Enumerable.Range(0, concurrency).Select(i => Task.Run(async () =>
{
    long done = 0;
    while (Stopwatch.GetTimestamp() < end)
    {
        await client.SumAsync(request, deadline: deadline is { } d ? DateTime.UtcNow + d : null);
        done++;
    }

    counts[i] = done;
})).ToArray();
await Task.WhenAll(workers);
stopwatch.Stop();

var total = counts.Sum();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bare sum: {total} calls in {stopwatch.Elapsed.TotalSeconds:0.00} s: {total / stopwatch.Elapsed.TotalSeconds:0} calls/s"));
return 0;
