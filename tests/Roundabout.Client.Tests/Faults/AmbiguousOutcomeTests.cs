using System.Globalization;
using System.Numerics;

namespace Roundabout.Client.Tests.Faults;

/// <summary>
/// Outcomes the caller cannot know: the write was applied but its answer never came back, came
/// back too late, or the servers lost the database for a while. The real client, real servers and
/// the real database, with a <see cref="FaultProxy"/> on the link; multiplies by distinct primes,
/// so factoring the final value shows which were applied and how many times.
/// </summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class AmbiguousOutcomeTests
{
    [Fact]
    public async Task Multiply_ReplyDroppedAfterTheWriteWasApplied_TheClientRetriesAndItIsAppliedOnce()
    {
        await using var cluster = await InProcessCluster.StartAsync(servers: 2);
        var (client, proxies) = await cluster.CreateClientThroughProxiesAsync(o => o.Deadline = TimeSpan.FromSeconds(20));
        await BalancingTests.WarmUpAsync(client, 2);
        var name = Name();
        var primes = Primes.First(12);
        var expected = BigInteger.One;
        var used = new List<int>();
        var replayed = 0;

        // Each round arms one drop on one server's link, then multiplies until that drop has happened.
        for (var round = 0; round < 4; round++)
        {
            var proxy = proxies[round % proxies.Count];
            var dropped = proxy.DroppedReplies;
            proxy.DropNextReplies(1);
            while (proxy.DroppedReplies == dropped)
            {
                Assert.True(used.Count < primes.Length, "the armed drop never happened: no reply passed that link");
                var prime = primes[used.Count];
                used.Add(prime);
                var result = await client.MultiplyAsync(prime.ToString(CultureInfo.InvariantCulture), name).DefaultTimeout();
                expected *= prime;

                // Every call succeeds, and sees the value with its own factor applied once.
                Assert.Equal(ExactInteger(expected), result.Result);
                if (proxy.DroppedReplies > dropped)
                {
                    // This call's first answer was dropped after the server applied it: the retry found it applied.
                    Assert.True(result.Replayed, $"the multiply by {prime} lost its answer, yet its retry was applied again");
                    replayed++;
                }
            }
        }

        var final = BigInteger.Parse((await client.GetAccumulatorAsync(name).DefaultTimeout()).Value, CultureInfo.InvariantCulture);
        var (multiplicity, remainder) = Primes.Factor(final, used);
        Assert.Equal(4, replayed);
        Assert.All(used, p => Assert.Equal(1, multiplicity[p]));
        Assert.Equal(BigInteger.One, remainder);
    }

    [Fact]
    public async Task Multiply_ReplyDelayedPastTheAttemptTimeout_IsRetriedElsewhereAndAppliedOnce()
    {
        await using var cluster = await InProcessCluster.StartAsync(servers: 2);
        var (client, proxies) = await cluster.CreateClientThroughProxiesAsync(o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(500);
            o.Deadline = TimeSpan.FromSeconds(20);
        });
        await BalancingTests.WarmUpAsync(client, 2);
        var name = Name();
        var primes = Primes.First(6);
        var expected = BigInteger.One;
        var used = new List<int>();

        // One server's answers now come after the attempt timeout: the client gives up on it and asks the other.
        var slow = proxies[0];
        slow.ReplyDelay = TimeSpan.FromSeconds(2);
        try
        {
            while (slow.DelayedReplies == 0)
            {
                Assert.True(used.Count < primes.Length, "no call went through the slow link");
                var prime = primes[used.Count];
                used.Add(prime);
                var result = await client.MultiplyAsync(Text(prime), name).DefaultTimeout();
                expected *= prime;
                Assert.Equal(ExactInteger(expected), result.Result);
            }
        }
        finally
        {
            slow.ReplyDelay = TimeSpan.Zero;
        }

        var final = BigInteger.Parse((await client.GetAccumulatorAsync(name).DefaultTimeout()).Value, CultureInfo.InvariantCulture);
        var (multiplicity, remainder) = Primes.Factor(final, used);
        Assert.All(used, p => Assert.Equal(1, multiplicity[p]));
        Assert.Equal(BigInteger.One, remainder);
    }

    [Fact]
    public async Task Multiply_ServersPartitionedFromTheDatabase_HealsWithTheAccumulatorExact()
    {
        await using var cluster = await InProcessCluster.StartAsync(servers: 2, proxyDatabase: true);
        var link = cluster.DatabaseProxy!;
        var client = cluster.CreateClient(o => o.Deadline = TimeSpan.FromSeconds(2));
        await BalancingTests.WarmUpAsync(client, 2);
        var load = new PrimeLoad(client, workers: 4, perWorker: 40);
        var blackholed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var running = load.RunAsync(halfway: blackholed.Task);
        await Eventually.UntilAsync(() => load.Acknowledged.Count >= 20, "20 multiplies are acknowledged before the partition");
        link.Blackhole();
        blackholed.TrySetResult();
        try
        {
            // Calls in flight reach neither the database nor an answer: the client gives up on them (unknown outcome).
            await Eventually.UntilAsync(() => load.Unknown.Count >= 4, "4 multiplies end unknown during the partition");
        }
        finally
        {
            link.Heal();
        }

        await running.WaitAsync(TimeSpan.FromMinutes(2));
        await load.ResendUnknownAsync();

        Assert.True(link.HeldWhileBlackholed > 0, "nothing crossed the link during the partition");
        await load.AssertEachAppliedOnceAsync();
    }

    private static string Name() => "fault" + Guid.NewGuid().ToString("N")[..10];

    private static string RequestId(string name, int prime) => $"{name}-{prime}";

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string ExactInteger(BigInteger value) => value.ToString(CultureInfo.InvariantCulture);
}
