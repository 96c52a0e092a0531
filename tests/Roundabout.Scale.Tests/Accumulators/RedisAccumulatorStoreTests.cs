using System.Collections.Concurrent;
using System.Numerics;
using Microsoft.Extensions.Logging.Abstractions;
using Roundabout.Contracts;
using Roundabout.Scale.Tests.Engines;
using Roundabout.Server;
using Roundabout.Server.Accumulators;
using StackExchange.Redis;

namespace Roundabout.Scale.Tests.Accumulators;

/// <summary>What only Redis needs proving: key layout, unreachable engine, and a kill -9 with AOF.</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class RedisAccumulatorStoreTests
{
    private static CancellationToken Timeout => new CancellationTokenSource(TaskTimeouts.Default).Token;

    [Fact]
    public async Task Multiply_WritesHashTaggedValueAndExpiringDedupeRecord()
    {
        await using var fixture = await StartAsync();
        var store = fixture.CreateStore();

        await store.MultiplyAsync("tagged", 6, "abc", Timeout).DefaultTimeout();

        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{fixture.Server.Port}").DefaultTimeout();
        var db = redis.GetDatabase();
        Assert.Equal("6", (string?)await db.StringGetAsync("acc/{tagged}").DefaultTimeout());
        Assert.Equal("6", (string?)await db.StringGetAsync("acc/{tagged}/req/abc").DefaultTimeout());
        var ttl = await db.KeyTimeToLiveAsync("acc/{tagged}/req/abc").DefaultTimeout();
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        Assert.Null(await db.KeyTimeToLiveAsync("acc/{tagged}").DefaultTimeout());
        Assert.Equal(redis.GetHashSlot("acc/{tagged}"), redis.GetHashSlot("acc/{tagged}/req/abc"));
    }

    [Fact]
    public async Task Multiply_RedisNotRunning_FailsAsUnavailableWithinTheDeadline()
    {
        var port = FreePorts.Next();
        await using var connection = new RedisConnection([new EndpointAddress("127.0.0.1", port)], TimeSpan.FromSeconds(1), NullLogger<RedisConnection>.Instance);
        var store = new RedisAccumulatorStore(connection, new ServerHostOptions());

        var error = await Assert.ThrowsAsync<RedisStoreUnavailableException>(() => store.MultiplyAsync("x", 2, "r", Timeout)).DefaultTimeout();

        Assert.IsAssignableFrom<IOException>(error);
        Assert.Contains($"redis://127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KillRedisDuringConcurrentMultiplies_RestartWithAof_NoAcknowledgedMultiplyLostOrDoubled()
    {
        await using var fixture = await StartAsync();
        var stores = new[] { fixture.CreateStore(TimeSpan.FromSeconds(2)), fixture.CreateStore(TimeSpan.FromSeconds(2)) };
        var primes = Primes.First(240);
        var queue = new ConcurrentQueue<int>(primes);
        var acknowledged = new ConcurrentBag<int>();
        var unknown = new ConcurrentBag<int>();
        const string name = "crash";

        var workers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            while (queue.TryDequeue(out var prime))
            {
                try
                {
                    await stores[w % 2].MultiplyAsync(name, prime, $"p{prime}", Timeout);
                    acknowledged.Add(prime);
                }
                catch (RedisStoreUnavailableException)
                {
                    unknown.Add(prime);
                }
            }
        })).ToArray();

        await Eventually.UntilAsync(() => acknowledged.Count >= 60, "60 multiplies are acknowledged", TimeSpan.FromMinutes(2));
        await fixture.Server.KillAsync();
        await Eventually.UntilAsync(() => unknown.Count >= 6 || queue.IsEmpty, "multiplies fail while Redis is down", TimeSpan.FromMinutes(2));
        await fixture.Server.RestartAsync();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(3));

        var afterCrash = await ReadWhenReachableAsync(stores[0], name);
        var (exponents, rest) = Primes.Factor(afterCrash, primes);
        Assert.Equal(BigInteger.One, rest);
        Assert.All(acknowledged, p => Assert.Equal(1, exponents[p]));
        Assert.All(unknown, p => Assert.InRange(exponents[p], 0, 1));
        Assert.Equal(primes.Length, acknowledged.Count + unknown.Count);
        Assert.NotEmpty(unknown);

        // Retried with their request ids, the unknown ones end up applied exactly once too.
        foreach (var prime in unknown)
        {
            await RetryUntilAnsweredAsync(() => stores[1].MultiplyAsync(name, prime, $"p{prime}", Timeout));
        }

        var final = await stores[0].GetAsync(name, Timeout).DefaultTimeout();
        Assert.Equal(primes.Aggregate(BigInteger.One, (product, p) => product * p), final);
    }

    private static async Task<RedisFixture> StartAsync()
    {
        var fixture = new RedisFixture();
        await fixture.InitializeAsync();
        return fixture;
    }

    private static async Task<BigInteger> ReadWhenReachableAsync(IAccumulatorStore store, string name)
    {
        var value = BigInteger.Zero;
        await Eventually.UntilAsync(async () => { value = await store.GetAsync(name, Timeout); return true; }, "Redis answers after its restart", TimeSpan.FromMinutes(1));
        return value;
    }

    private static Task RetryUntilAnsweredAsync(Func<Task<MultiplyOutcome>> call) =>
        Eventually.UntilAsync(async () => { await call(); return true; }, "a retried multiply is answered", TimeSpan.FromMinutes(1));
}
