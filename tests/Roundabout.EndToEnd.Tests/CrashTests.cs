using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using Grpc.Core;
using Grpc.Net.Client;
using Roundabout.Contracts.Calculator.V1;

namespace Roundabout.EndToEnd.Tests;

/// <summary>
/// Exactly-once under crashes: concurrent multiplies by distinct primes through two servers,
/// each retried with its request id (on the other server too) until acknowledged, while a
/// process is killed with SIGKILL. Factoring the final value proves every acknowledged multiply
/// was applied exactly once and nothing else was applied.
/// </summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class CrashTests
{
    private const int Workers = 4;
    private const int PerWorker = 60;

    [Fact]
    public async Task KillDatabaseMidLoad_RestartOnSameDataDir_NoAcknowledgedMultiplyLostOrDoubled()
    {
        await using var cluster = await ProcessCluster.StartAsync(servers: 2, durable: true);
        var run = new LoadRun(cluster);

        var load = run.RunAsync();
        await Eventually.UntilAsync(() => run.Acknowledged.Count >= 40, "40 multiplies are acknowledged");
        cluster.DatabaseProcess.Kill();
        await cluster.DatabaseProcess.WaitForExitAsync();
        await cluster.StartDatabaseAsync(durable: true, port: cluster.DatabasePort);
        await load.WaitAsync(TimeSpan.FromMinutes(3));

        await run.AssertExactlyOnceAsync();
    }

    [Fact]
    public async Task KillServerMidLoad_RetriesOnTheOther_NoAcknowledgedMultiplyLostOrDoubled()
    {
        await using var cluster = await ProcessCluster.StartAsync(servers: 2, durable: true);
        var run = new LoadRun(cluster);

        var load = run.RunAsync();
        await Eventually.UntilAsync(() => run.Acknowledged.Count >= 40, "40 multiplies are acknowledged");
        cluster.Servers[0].Process.Kill();
        await load.WaitAsync(TimeSpan.FromMinutes(3));

        await run.AssertExactlyOnceAsync();
    }

    private sealed class LoadRun(ProcessCluster cluster)
    {
        private readonly string _name = "crash" + Guid.NewGuid().ToString("N")[..8];
        private readonly int[] _primes = Primes.First(Workers * PerWorker);
        private readonly Calculator.CalculatorClient[] _servers = cluster.Servers
            .Select(s => new Calculator.CalculatorClient(GrpcChannel.ForAddress($"http://127.0.0.1:{s.Port}")))
            .ToArray();

        public ConcurrentBag<int> Acknowledged { get; } = [];

        public Task RunAsync() => Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(() => WorkAsync(w))));

        private async Task WorkAsync(int worker)
        {
            for (var i = 0; i < PerWorker; i++)
            {
                var prime = _primes[worker * PerWorker + i];
                var request = new MultiplyRequest
                {
                    Factor = prime.ToString(CultureInfo.InvariantCulture),
                    Name = _name,
                    RequestId = $"{_name}-{prime}",
                };
                await MultiplyUntilAcknowledgedAsync(request, worker + i);
                Acknowledged.Add(prime);
            }
        }

        private async Task MultiplyUntilAcknowledgedAsync(MultiplyRequest request, int start)
        {
            var deadline = DateTime.UtcNow.AddSeconds(90);
            for (var attempt = start; ; attempt++)
            {
                try
                {
                    await _servers[attempt % _servers.Length].MultiplyAsync(request, deadline: DateTime.UtcNow.AddSeconds(5));
                    return;
                }
                catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Aborted or StatusCode.Internal or StatusCode.Cancelled)
                {
                    // Unknown outcome: retry with the same request id, on the next server.
                    Assert.True(DateTime.UtcNow < deadline, $"multiply {request.Factor} was not acknowledged in time: {ex.Status}");
                    await Task.Delay(50);
                }
            }
        }

        public async Task AssertExactlyOnceAsync()
        {
            var live = _servers[^1];
            var reply = await live.GetAccumulatorAsync(new GetAccumulatorRequest { Name = _name }, deadline: DateTime.UtcNow.AddSeconds(10));
            var value = BigInteger.Parse(reply.Value, CultureInfo.InvariantCulture);
            var (multiplicity, remainder) = Primes.Factor(value, _primes);

            Assert.Equal(Workers * PerWorker, Acknowledged.Count);
            Assert.All(Acknowledged, prime => Assert.Equal(1, multiplicity[prime]));
            Assert.Equal(BigInteger.One, remainder);
        }
    }
}
