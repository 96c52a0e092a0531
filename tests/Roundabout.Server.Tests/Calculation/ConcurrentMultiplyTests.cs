using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using Roundabout.Contracts.Calculator.V1;

namespace Roundabout.Server.Tests.Calculation;

/// <summary>Replicas multiply one accumulator at once through the database's atomic op: nothing is lost, doubled or refused.</summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class ConcurrentMultiplyTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Multiply_ManyServersOnOneAccumulatorAtOnce_FinalValueIsExact(int servers)
    {
        await using var cluster = await InProcessCluster.StartAsync(servers);
        var name = "c" + Guid.NewGuid().ToString("N")[..12];
        var primes = Primes.First(300);
        var queue = new ConcurrentQueue<int>(primes);
        var results = new ConcurrentBag<BigInteger>();

        var workers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            var client = cluster.Servers[w % servers].Client;
            while (queue.TryDequeue(out var prime))
            {
                var reply = await client.MultiplyAsync(new MultiplyRequest
                {
                    Name = name,
                    Factor = prime.ToString(CultureInfo.InvariantCulture),
                    RequestId = $"p{prime}",
                });
                Assert.False(reply.Replayed);
                results.Add(BigInteger.Parse(reply.Result, CultureInfo.InvariantCulture));
            }
        }));
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(2));

        var final = BigInteger.Parse(
            (await cluster.Servers[0].Client.GetAccumulatorAsync(new GetAccumulatorRequest { Name = name }).ResponseAsync.DefaultTimeout()).Value,
            CultureInfo.InvariantCulture);
        var (multiplicity, remainder) = Primes.Factor(final, primes);
        Assert.Equal(BigInteger.One, remainder);
        Assert.All(primes, p => Assert.Equal(1, multiplicity[p]));

        // Linearizable: the acknowledged results are distinct and each divides the next, so they form one chain.
        var chain = results.OrderBy(r => r).ToList();
        Assert.Equal(primes.Length, chain.Distinct().Count());
        Assert.Equal(final, chain[^1]);
        for (var i = 1; i < chain.Count; i++)
        {
            Assert.True(chain[i] % chain[i - 1] == 0, $"result {i} does not extend result {i - 1}");
        }
    }
}
