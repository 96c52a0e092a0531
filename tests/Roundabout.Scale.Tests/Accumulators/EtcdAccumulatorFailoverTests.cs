using System.Collections.Concurrent;
using System.Numerics;
using Roundabout.Contracts;
using Roundabout.Contracts.Sessions;
using Roundabout.Testing.Engines;
using Roundabout.Server;
using Roundabout.Server.Accumulators;

namespace Roundabout.Scale.Tests.Accumulators;

/// <summary>Accumulators on real etcd clusters while their members die: nothing acknowledged is lost or doubled.</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class EtcdAccumulatorFailoverTests
{
    private static CancellationToken Timeout => new CancellationTokenSource(TaskTimeouts.Default).Token;

    [Fact]
    public async Task KillTheLeaderThenAFollower_DuringMultiplies_EveryPrimeAppliedExactlyOnce()
    {
        await using var cluster = await EtcdCluster.StartAsync();
        using var first = Store(cluster);
        using var second = Store(cluster);
        var stores = new[] { first, second };
        var primes = Primes.First(200);
        var queue = new ConcurrentQueue<int>(primes);
        var acknowledged = new ConcurrentBag<int>();
        var failedAttempts = 0;
        const string name = "failover";

        // Each worker retries a failed multiply with the same request id until it is answered, as the client does.
        var workers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            while (queue.TryDequeue(out var prime))
            {
                await Eventually.UntilAsync(
                    async () =>
                    {
                        try
                        {
                            await stores[w % 2].MultiplyAsync(name, prime, $"p{prime}", Timeout);
                            return true;
                        }
                        catch (StoreFailureException ex) when (ex.Kind == StoreFailureKind.Unavailable)
                        {
                            Interlocked.Increment(ref failedAttempts);
                            return false;
                        }
                    },
                    $"the multiply by {prime} is answered",
                    TimeSpan.FromMinutes(2));
                acknowledged.Add(prime);
            }
        })).ToArray();

        await Eventually.UntilAsync(() => acknowledged.Count >= 40, "40 multiplies are acknowledged", TimeSpan.FromMinutes(1));
        var leader = await cluster.LeaderAsync();
        await cluster.KillAsync(leader);
        await Eventually.UntilAsync(() => acknowledged.Count >= 80, "multiplies go on after the leader died", TimeSpan.FromMinutes(1));
        await cluster.RestartAsync(leader);
        var follower = (await cluster.LeaderAsync() + 1) % 3;
        await cluster.KillAsync(follower);
        await Eventually.UntilAsync(() => acknowledged.Count >= 120, "multiplies go on after a follower died", TimeSpan.FromMinutes(1));
        await cluster.RestartAsync(follower);
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(3));

        var final = await first.GetAsync(name, Timeout);
        var (multiplicity, remainder) = Primes.Factor(final, primes);
        Assert.Equal(BigInteger.One, remainder);
        Assert.All(primes, p => Assert.Equal(1, multiplicity[p]));
        Assert.Equal(primes.Length, acknowledged.Count);
    }

    [Fact]
    public async Task QuorumLost_MultipliesFailNamingEtcd_ThenSucceedOnceItReturns()
    {
        await using var cluster = await EtcdCluster.StartAsync();
        using var store = Store(cluster, TimeSpan.FromSeconds(2));
        const string name = "quorum";
        await store.MultiplyAsync(name, 2, "before", Timeout);

        await cluster.KillAsync(0);
        await cluster.KillAsync(1);
        var error = await Assert.ThrowsAsync<StoreFailureException>(() => store.MultiplyAsync(name, 3, "during", Timeout));
        Assert.Equal(StoreFailureKind.Unavailable, error.Kind);
        Assert.StartsWith($"etcd at {string.Join(',', cluster.Endpoints)} ", error.Message, StringComparison.Ordinal);
        Assert.Contains("majority", error.Message, StringComparison.Ordinal);

        await cluster.RestartAsync(0);
        await Eventually.UntilAsync(
            async () =>
            {
                try
                {
                    return (await store.MultiplyAsync(name, 3, "during", Timeout)).Result == 6;
                }
                catch (StoreFailureException ex) when (ex.Kind == StoreFailureKind.Unavailable)
                {
                    return false;
                }
            },
            "the multiply succeeds once a majority runs again",
            TimeSpan.FromMinutes(1));
        await cluster.RestartAsync(1);
        Assert.Equal(new BigInteger(6), await store.GetAsync(name, Timeout));
    }

    [Fact]
    public async Task KillEtcdMidSession_RestartOnItsData_UnconfirmedSequencesReplayTheirFirstResults()
    {
        await using var cluster = await EtcdCluster.StartAsync(size: 1);
        using var store = Store(cluster, TimeSpan.FromSeconds(2));
        const string name = "session-crash";
        const string session = "s1";
        // Sequences 1 to 4, the client confirming below 3: the answers of 3 and 4 are still kept.
        var first = new Dictionary<ulong, MultiplyOutcome>();
        foreach (var (sequence, factor) in new (ulong, int)[] { (1, 2), (2, 3), (3, 5), (4, 7) })
        {
            first[sequence] = await store.MultiplyAsync(name, factor, Dedupe.FromSession(session, sequence, Math.Min(sequence, 3)), Timeout);
        }

        await cluster.KillAsync(0);
        await cluster.RestartAsync(0);

        // The store that wrote them replays from what it remembers, checked by the compare; a new one reads etcd.
        var replay4 = await AnsweredAsync(() => store.MultiplyAsync(name, 7, Dedupe.FromSession(session, 4, 3), Timeout));
        using var fresh = Store(cluster);
        var replay3 = await AnsweredAsync(() => fresh.MultiplyAsync(name, 5, Dedupe.FromSession(session, 3, 3), Timeout));
        var late = await Assert.ThrowsAsync<SessionRefusedException>(() => fresh.MultiplyAsync(name, 3, Dedupe.FromSession(session, 2, 2), Timeout));

        Assert.Equal(first[4] with { Replayed = true }, replay4);
        Assert.Equal(first[3] with { Replayed = true }, replay3);
        Assert.Equal(SessionDecision.AlreadyConfirmed, late.Decision);
        Assert.Equal(new BigInteger(210), await fresh.GetAsync(name, Timeout));
    }

    /// <summary>The call's outcome once etcd answers it; a failure to reach etcd is retried.</summary>
    private static async Task<MultiplyOutcome> AnsweredAsync(Func<Task<MultiplyOutcome>> call)
    {
        MultiplyOutcome? outcome = null;
        await Eventually.UntilAsync(
            async () =>
            {
                try
                {
                    outcome = await call();
                    return true;
                }
                catch (StoreFailureException ex) when (ex.Kind == StoreFailureKind.Unavailable)
                {
                    return false;
                }
            },
            "etcd answers the multiply after its restart",
            TimeSpan.FromMinutes(1));
        return outcome!;
    }

    private static EtcdAccumulatorStore Store(EtcdCluster cluster, TimeSpan? deadline = null) =>
        new(cluster.Endpoints, new ServerHostOptions { CallDeadline = deadline ?? TimeSpan.FromSeconds(3) }, TimeProvider.System);
}
