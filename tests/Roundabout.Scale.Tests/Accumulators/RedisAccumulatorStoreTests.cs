using System.Collections.Concurrent;
using System.Numerics;
using Microsoft.Extensions.Logging.Abstractions;
using Roundabout.Contracts;
using Roundabout.Contracts.Sessions;
using Roundabout.Testing.Engines;
using Roundabout.Server;
using Roundabout.Server.Accumulators;
using StackExchange.Redis;

namespace Roundabout.Scale.Tests.Accumulators;

/// <summary>What only Redis needs proving: key layout, unreachable engine, and kill -9s with AOF (request ids, sessions).</summary>
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
    public async Task Multiply_WithSession_WritesHashTaggedRecordExpiringAfterTheSessionTtl()
    {
        await using var fixture = await StartAsync();
        var store = fixture.CreateStore(sessionTtl: TimeSpan.FromMinutes(30));

        await store.MultiplyAsync("tagged", 6, Dedupe.FromSession("s1", 1, 1), Timeout).DefaultTimeout();
        await store.MultiplyAsync("tagged", -7, Dedupe.FromSession("s1", 2, 1), Timeout).DefaultTimeout();

        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{fixture.Server.Port}").DefaultTimeout();
        var db = redis.GetDatabase();
        Assert.Equal("1 1=6 2=-42", (string?)await db.StringGetAsync("acc/{tagged}/session/s1").DefaultTimeout());
        var ttl = await db.KeyTimeToLiveAsync("acc/{tagged}/session/s1").DefaultTimeout();
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(30));
        Assert.Equal(redis.GetHashSlot("acc/{tagged}"), redis.GetHashSlot("acc/{tagged}/session/s1"));
    }

    [Fact]
    public async Task Multiply_SessionKeyHoldsSomethingElse_FailsNamingTheKeyAndAppliesNothing()
    {
        await using var fixture = await StartAsync();
        var store = fixture.CreateStore();
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{fixture.Server.Port}").DefaultTimeout();
        await redis.GetDatabase().StringSetAsync("acc/{odd}/session/s1", "3 2=6").DefaultTimeout();

        var error = await Assert.ThrowsAsync<StoreFailureException>(() => store.MultiplyAsync("odd", 5, Dedupe.FromSession("s1", 3, 3), Timeout)).DefaultTimeout();

        Assert.Equal(StoreFailureKind.CorruptValue, error.Kind);
        Assert.Contains("'acc/{odd}/session/s1'", error.Message, StringComparison.Ordinal);
        Assert.Equal(BigInteger.One, await store.GetAsync("odd", Timeout).DefaultTimeout());
    }

    [Fact]
    public async Task Multiply_RedisNotRunning_FailsAsUnavailableWithinTheDeadline()
    {
        var port = FreePorts.Next();
        await using var connection = new RedisConnection([new EndpointAddress("127.0.0.1", port)], TimeSpan.FromSeconds(1), NullLogger<RedisConnection>.Instance);
        var store = new RedisAccumulatorStore(connection, new ServerHostOptions());

        var error = await Assert.ThrowsAsync<StoreFailureException>(() => store.MultiplyAsync("x", 2, "r", Timeout)).DefaultTimeout();

        Assert.Equal(StoreFailureKind.Unavailable, error.Kind);
        Assert.False(error.OutcomeKnown);
        Assert.Contains($"Redis at 127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
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
                catch (StoreFailureException ex) when (ex.Kind == StoreFailureKind.Unavailable)
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

    [Fact]
    public async Task KillRedisMidSession_RestartWithAof_UnconfirmedSequencesReplayTheirFirstResults()
    {
        await using var fixture = await StartAsync();
        var store = fixture.CreateStore(TimeSpan.FromSeconds(2));
        const string name = "session-crash";
        const string session = "s1";
        // Sequences 1 to 4, the client confirming below 3: the answers of 3 and 4 are still kept.
        var first = new Dictionary<ulong, MultiplyOutcome>();
        foreach (var (sequence, factor) in new (ulong, int)[] { (1, 2), (2, 3), (3, 5), (4, 7) })
        {
            first[sequence] = await store.MultiplyAsync(name, factor, Dedupe.FromSession(session, sequence, Math.Min(sequence, 3)), Timeout).DefaultTimeout();
        }

        await fixture.Server.KillAsync();
        await fixture.Server.RestartAsync();

        var replay4 = await RetryUntilAnsweredAsync(() => store.MultiplyAsync(name, 7, Dedupe.FromSession(session, 4, 3), Timeout));
        var replay3 = await fixture.CreateStore().MultiplyAsync(name, 5, Dedupe.FromSession(session, 3, 3), Timeout).DefaultTimeout();
        var late = await Assert.ThrowsAsync<SessionRefusedException>(() => store.MultiplyAsync(name, 3, Dedupe.FromSession(session, 2, 2), Timeout)).DefaultTimeout();

        Assert.Equal(first[4] with { Replayed = true }, replay4);
        Assert.Equal(first[3] with { Replayed = true }, replay3);
        Assert.Equal(SessionDecision.AlreadyConfirmed, late.Decision);
        Assert.Equal(new BigInteger(210), await store.GetAsync(name, Timeout).DefaultTimeout());
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

    private static async Task<MultiplyOutcome> RetryUntilAnsweredAsync(Func<Task<MultiplyOutcome>> call)
    {
        MultiplyOutcome? outcome = null;
        await Eventually.UntilAsync(async () => { outcome = await call(); return true; }, "a retried multiply is answered", TimeSpan.FromMinutes(1));
        return outcome!;
    }
}
