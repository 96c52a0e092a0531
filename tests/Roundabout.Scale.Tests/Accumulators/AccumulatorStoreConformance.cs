using System.Collections.Concurrent;
using System.Numerics;
using Roundabout.Contracts;
using Roundabout.Contracts.Sessions;
using Roundabout.Server;
using Roundabout.Server.Accumulators;

namespace Roundabout.Scale.Tests.Accumulators;

/// <summary>
/// The contract of <see cref="IAccumulatorStore"/>, run against every implementation. Each call to
/// <see cref="CreateStoreAsync"/> gives an independent instance, as two server replicas would hold.
/// </summary>
public abstract class AccumulatorStoreConformance
{
    /// <summary>A new store instance with its own connection to the shared engine; the default session TTL when null.</summary>
    protected abstract Task<IAccumulatorStore> CreateStoreAsync(int multiplyBatch, TimeSpan? sessionTtl);

    /// <summary>The bytes the engine holds at <paramref name="key"/>, read around the stores; null when absent.</summary>
    protected abstract Task<byte[]?> ReadRawAsync(string key);

    /// <summary>Writes <paramref name="value"/> at <paramref name="key"/> around the stores, as another program might.</summary>
    protected abstract Task WriteRawAsync(string key, string value);

    /// <summary>A store of this engine whose address has nothing listening, with a call deadline of a few seconds.</summary>
    protected abstract IAccumulatorStore CreateUnreachableStore();

    private Task<IAccumulatorStore> CreateStoreAsync(int multiplyBatch) => CreateStoreAsync(multiplyBatch, null);

    private Task<IAccumulatorStore> CreateStoreAsync() => CreateStoreAsync(ServerHostOptions.DefaultMultiplyBatch, null);

    protected static string UniqueName() => "t-" + Guid.NewGuid().ToString("N")[..20];

    private static int TimesIn(string text, string part) => (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;

    private static CancellationToken Timeout => new CancellationTokenSource(TaskTimeouts.Default).Token;

    [Fact]
    public async Task MultiplyAndGet_StoreUnreachable_FailUnavailableWithAnUnknownOutcomeNamingTheStoreOnce()
    {
        var store = CreateUnreachableStore();

        var multiply = await Assert.ThrowsAsync<StoreFailureException>(() => store.MultiplyAsync(UniqueName(), 2, "r", Timeout)).DefaultTimeout();
        var get = await Assert.ThrowsAsync<StoreFailureException>(() => store.GetAsync(UniqueName(), Timeout)).DefaultTimeout();

        foreach (var error in new[] { multiply, get })
        {
            Assert.Equal(StoreFailureKind.Unavailable, error.Kind);
            Assert.False(error.OutcomeKnown);
            Assert.StartsWith(error.Store.Named + " ", error.Message, StringComparison.Ordinal);
            Assert.Equal(1, TimesIn(error.Message, error.Store.Named));
            Assert.Contains(error.Store.RunningAdvice, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MultiplyAndGet_StoredValueNotANumber_FailCorruptValueAndChangeNothing()
    {
        var store = await CreateStoreAsync();
        var name = UniqueName();
        await WriteRawAsync(AccumulatorKeys.Value(name), "12x");

        var multiply = await Assert.ThrowsAsync<StoreFailureException>(() => store.MultiplyAsync(name, 2, "after-12x", Timeout)).DefaultTimeout();
        var get = await Assert.ThrowsAsync<StoreFailureException>(() => store.GetAsync(name, Timeout)).DefaultTimeout();

        foreach (var error in new[] { multiply, get })
        {
            Assert.Equal(StoreFailureKind.CorruptValue, error.Kind);
            Assert.True(error.OutcomeKnown);
            Assert.StartsWith(error.Store.Named + " ", error.Message, StringComparison.Ordinal);
            Assert.Equal(1, TimesIn(error.Message, error.Store.Named));
            Assert.Contains(name, error.Message, StringComparison.Ordinal);
        }

        Assert.Equal("12x"u8.ToArray(), await ReadRawAsync(AccumulatorKeys.Value(name)));
        // Nothing of the refused multiply was kept: after a reset, its request id applies.
        await store.ResetAsync(name, Timeout).DefaultTimeout();
        Assert.Equal(new MultiplyOutcome(2, Replayed: false), await store.MultiplyAsync(name, 2, "after-12x", Timeout).DefaultTimeout());
    }

    [Fact]
    public async Task Get_AbsentAccumulator_IsOne()
    {
        var store = await CreateStoreAsync();

        Assert.Equal(BigInteger.One, await store.GetAsync(UniqueName(), Timeout).DefaultTimeout());
    }

    [Theory]
    [InlineData(ServerHostOptions.DefaultMultiplyBatch)]
    [InlineData(1)]
    public async Task Multiply_ConcurrentTasksThroughTwoStores_EveryProductAppliedExactlyOnce(int multiplyBatch)
    {
        var stores = new[] { await CreateStoreAsync(multiplyBatch), await CreateStoreAsync(multiplyBatch) };
        var name = UniqueName();
        const int tasks = 8;
        const int perTask = 60;

        var results = await Task.WhenAll(Enumerable.Range(0, tasks).Select(t => Task.Run(async () =>
        {
            var seen = new List<BigInteger>();
            for (var i = 0; i < perTask; i++)
            {
                var outcome = await stores[(t + i) % 2].MultiplyAsync(name, 3, $"r-{t}-{i}", Timeout);
                Assert.False(outcome.Replayed);
                seen.Add(outcome.Result);
            }

            return seen;
        }))).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.Equal(BigInteger.Pow(3, tasks * perTask), await stores[0].GetAsync(name, Timeout).DefaultTimeout());
        // Linearizable: every acknowledged result is a distinct power, 3^1 .. 3^n, each once.
        var expected = Enumerable.Range(1, tasks * perTask).Select(k => BigInteger.Pow(3, k)).ToHashSet();
        Assert.True(expected.SetEquals(results.SelectMany(r => r)), "every intermediate product appears exactly once");
    }

    [Fact]
    public async Task Multiply_SameRequestIdTwiceOnAnotherStore_AppliedOnceAndFirstResultReturned()
    {
        var first = await CreateStoreAsync();
        var second = await CreateStoreAsync();
        var name = UniqueName();

        var applied = await first.MultiplyAsync(name, 7, "req-1", Timeout).DefaultTimeout();
        await first.MultiplyAsync(name, 2, "req-2", Timeout).DefaultTimeout();
        var replayed = await second.MultiplyAsync(name, 7, "req-1", Timeout).DefaultTimeout();

        Assert.Equal(new MultiplyOutcome(7, Replayed: false), applied);
        Assert.Equal(new MultiplyOutcome(7, Replayed: true), replayed);
        Assert.Equal(new BigInteger(14), await second.GetAsync(name, Timeout).DefaultTimeout());
    }

    [Fact]
    public async Task Multiply_SameRequestIdRacedFromTwoStores_AppliedOnce()
    {
        var stores = new[] { await CreateStoreAsync(), await CreateStoreAsync() };
        var name = UniqueName();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16)
            .Select(i => Task.Run(() => stores[i % 2].MultiplyAsync(name, 5, "the-one", Timeout)))).DefaultTimeout();

        Assert.Single(outcomes, o => !o.Replayed);
        Assert.All(outcomes, o => Assert.Equal(new BigInteger(5), o.Result));
        Assert.Equal(new BigInteger(5), await stores[0].GetAsync(name, Timeout).DefaultTimeout());
    }

    [Fact]
    public async Task Multiply_WithoutRequestId_AppliedEveryTime()
    {
        var store = await CreateStoreAsync();
        var name = UniqueName();

        await store.MultiplyAsync(name, 2, null, Timeout).DefaultTimeout();
        var second = await store.MultiplyAsync(name, 2, string.Empty, Timeout).DefaultTimeout();

        Assert.Equal(new MultiplyOutcome(4, Replayed: false), second);
    }

    [Fact]
    public async Task Multiply_PastTheCap_RefusedAndUnchanged()
    {
        var store = await CreateStoreAsync();
        var name = UniqueName();
        var big = BigInteger.Pow(2, ExactInteger.MaxBits - 10);
        await store.MultiplyAsync(name, big, "fill", Timeout).DefaultTimeout();

        await Assert.ThrowsAsync<AccumulatorOverflowException>(() => store.MultiplyAsync(name, 1 << 10, "over", Timeout)).DefaultTimeout();

        Assert.Equal(big, await store.GetAsync(name, Timeout).DefaultTimeout());
        // The refused request left no dedupe record: the same id with a factor that fits applies.
        Assert.Equal(new MultiplyOutcome(big * 2, Replayed: false), await store.MultiplyAsync(name, 2, "over", Timeout).DefaultTimeout());
    }

    [Fact]
    public async Task Multiply_ConcurrentBatchWithOneProductPastTheCap_RefusesOnlyThatOne()
    {
        var stores = new[] { await CreateStoreAsync(), await CreateStoreAsync() };
        var name = UniqueName();
        await stores[0].MultiplyAsync(name, BigInteger.Pow(2, ExactInteger.MaxBits - 6), null, Timeout).DefaultTimeout();

        // Five doublings fit (2^4095), and 2^10 never does, whatever order the batch takes.
        var doublings = Enumerable.Range(0, 5).Select(i => stores[i % 2].MultiplyAsync(name, 2, $"d{i}", Timeout)).ToList();
        var over = stores[0].MultiplyAsync(name, 1 << 10, "over", Timeout);

        await Assert.ThrowsAsync<AccumulatorOverflowException>(() => over).DefaultTimeout();
        await Task.WhenAll(doublings).DefaultTimeout();
        Assert.Equal(BigInteger.Pow(2, ExactInteger.MaxBits - 1), await stores[1].GetAsync(name, Timeout).DefaultTimeout());
    }

    [Fact]
    public async Task Multiply_BigFactorsOfBothSigns_AreExact()
    {
        var store = await CreateStoreAsync();
        var name = UniqueName();
        var random = new Random(4096);
        var expected = BigInteger.One;
        for (var i = 0; i < 12; i++)
        {
            var bytes = new byte[1 + random.Next(40)];
            random.NextBytes(bytes);
            var factor = i % 4 == 1 ? BigInteger.Pow(10, 20 + i) - 1 : new BigInteger(bytes, isUnsigned: true) + 1;
            factor = i % 3 == 0 ? -factor : factor;
            expected *= factor;

            var outcome = await store.MultiplyAsync(name, factor, $"big{i}", Timeout).DefaultTimeout();

            Assert.Equal(expected, outcome.Result);
        }

        Assert.Equal(expected, await store.GetAsync(name, Timeout).DefaultTimeout());
    }

    [Fact]
    public async Task Multiply_NegativeAndZeroFactors_AreExact()
    {
        var store = await CreateStoreAsync();
        var name = UniqueName();

        await store.MultiplyAsync(name, -12, null, Timeout).DefaultTimeout();
        Assert.Equal(new BigInteger(-12), await store.GetAsync(name, Timeout).DefaultTimeout());
        await store.MultiplyAsync(name, 0, null, Timeout).DefaultTimeout();
        Assert.Equal(BigInteger.Zero, await store.GetAsync(name, Timeout).DefaultTimeout());
    }

    [Fact]
    public async Task Multiply_DifferentNames_AreIsolated()
    {
        var store = await CreateStoreAsync();
        var (a, b) = (UniqueName(), UniqueName());

        await store.MultiplyAsync(a, 3, "same-id", Timeout).DefaultTimeout();
        var onB = await store.MultiplyAsync(b, 11, "same-id", Timeout).DefaultTimeout();

        Assert.Equal(new MultiplyOutcome(11, Replayed: false), onB);
        Assert.Equal(new BigInteger(3), await store.GetAsync(a, Timeout).DefaultTimeout());
        Assert.Equal(new BigInteger(11), await store.GetAsync(b, Timeout).DefaultTimeout());
    }

    [Fact]
    public async Task Reset_SetsBackToOne_OnlyThatName()
    {
        var first = await CreateStoreAsync();
        var second = await CreateStoreAsync();
        var (name, other) = (UniqueName(), UniqueName());
        await first.MultiplyAsync(name, 9, null, Timeout).DefaultTimeout();
        await first.MultiplyAsync(other, 4, null, Timeout).DefaultTimeout();

        await second.ResetAsync(name, Timeout).DefaultTimeout();

        Assert.Equal(BigInteger.One, await first.GetAsync(name, Timeout).DefaultTimeout());
        Assert.Equal(new BigInteger(4), await first.GetAsync(other, Timeout).DefaultTimeout());
        Assert.Equal(new MultiplyOutcome(6, Replayed: false), await first.MultiplyAsync(name, 6, null, Timeout).DefaultTimeout());
    }

    [Fact]
    public async Task Session_OutOfOrderSequencesFromConcurrentCallersThroughTwoStores_EachAppliedOnceAndUnconfirmedOnesReplay()
    {
        var stores = new[] { await CreateStoreAsync(), await CreateStoreAsync() };
        var name = UniqueName();
        var session = UniqueName();
        var primes = Primes.First(200);
        var sequences = new Queue<ulong>(Enumerable.Range(1, primes.Length).Select(s => (ulong)s).OrderBy(_ => Random.Shared.Next()));
        var unanswered = new SortedSet<ulong>(sequences);
        var gate = new Lock();
        var first = new ConcurrentDictionary<ulong, BigInteger>();

        // The replies of the last five sequences are held back, as if lost on the way: the client
        // never confirms them, so their answers stay in the record for the replays below.
        var heldBack = Enumerable.Range(primes.Length - 4, 5).Select(s => (ulong)s).ToArray();
        await Task.WhenAll(Enumerable.Range(0, 50).Select(caller => Task.Run(async () =>
        {
            while (true)
            {
                ulong sequence, confirmedBelow;
                lock (gate)
                {
                    if (!sequences.TryDequeue(out sequence))
                    {
                        return;
                    }

                    confirmedBelow = unanswered.Min;
                }

                var outcome = await stores[caller % 2].MultiplyAsync(name, primes[sequence - 1], Dedupe.FromSession(session, sequence, confirmedBelow), Timeout);
                Assert.False(outcome.Replayed, $"sequence {sequence} was applied before");
                first[sequence] = outcome.Result;
                if (!heldBack.Contains(sequence))
                {
                    lock (gate)
                    {
                        unanswered.Remove(sequence);
                    }
                }
            }
        }))).WaitAsync(TimeSpan.FromMinutes(3));

        var product = primes.Aggregate(BigInteger.One, (p, q) => p * q);
        Assert.Equal(product, await stores[0].GetAsync(name, Timeout).DefaultTimeout());
        foreach (var (sequence, store) in heldBack.Select((s, i) => (s, stores[i % 2])))
        {
            var replay = await store.MultiplyAsync(name, primes[sequence - 1], Dedupe.FromSession(session, sequence, heldBack[0]), Timeout).DefaultTimeout();

            Assert.Equal(new MultiplyOutcome(first[sequence], Replayed: true), replay);
        }

        Assert.Equal(product, await stores[1].GetAsync(name, Timeout).DefaultTimeout());
    }

    [Fact]
    public async Task Session_ReplayBelowTheConfirmationFloor_RefusedAlreadyConfirmedAndUnchanged()
    {
        var store = await CreateStoreAsync();
        var name = UniqueName();
        var session = UniqueName();
        await store.MultiplyAsync(name, 2, Dedupe.FromSession(session, 1, 1), Timeout).DefaultTimeout();
        await store.MultiplyAsync(name, 3, Dedupe.FromSession(session, 2, 2), Timeout).DefaultTimeout();

        // A late copy of the first attempt at sequence 1, sent before the client had any answer.
        var refused = await Assert.ThrowsAsync<SessionRefusedException>(
            () => store.MultiplyAsync(name, 2, Dedupe.FromSession(session, 1, 1), Timeout)).DefaultTimeout();

        Assert.Equal(SessionDecision.AlreadyConfirmed, refused.Decision);
        Assert.Equal(new BigInteger(6), await store.GetAsync(name, Timeout).DefaultTimeout());
    }

    [Fact]
    public async Task Session_ReplayOfAnUnconfirmedSequenceOnAnotherStore_ReturnsTheFirstResult()
    {
        var first = await CreateStoreAsync();
        var second = await CreateStoreAsync();
        var name = UniqueName();
        var session = UniqueName();
        var applied = await first.MultiplyAsync(name, 5, Dedupe.FromSession(session, 1, 1), Timeout).DefaultTimeout();
        await first.MultiplyAsync(name, 7, Dedupe.FromSession(session, 2, 1), Timeout).DefaultTimeout();

        var replayed = await second.MultiplyAsync(name, 5, Dedupe.FromSession(session, 1, 1), Timeout).DefaultTimeout();

        Assert.Equal(new MultiplyOutcome(5, Replayed: false), applied);
        Assert.Equal(new MultiplyOutcome(5, Replayed: true), replayed);
        Assert.Equal(new BigInteger(35), await second.GetAsync(name, Timeout).DefaultTimeout());
    }

    [Fact]
    public async Task Session_RecordExpiredAfterTheSessionTtl_RefusedUnknownSessionAndANewSessionApplies()
    {
        var store = await CreateStoreAsync(ServerHostOptions.DefaultMultiplyBatch, TimeSpan.FromSeconds(2));
        var name = UniqueName();
        var session = UniqueName();
        await store.MultiplyAsync(name, 3, Dedupe.FromSession(session, 1, 1), Timeout).DefaultTimeout();
        await store.MultiplyAsync(name, 5, Dedupe.FromSession(session, 2, 2), Timeout).DefaultTimeout();

        // Until the record expires, this replays sequence 2 and writes nothing (the floor does not
        // move), so polling with it neither applies anything nor keeps the record alive.
        SessionRefusedException? refused = null;
        await Eventually.UntilAsync(
            async () =>
            {
                try
                {
                    var replay = await store.MultiplyAsync(name, 5, Dedupe.FromSession(session, 2, 2), Timeout);
                    Assert.Equal(new MultiplyOutcome(15, Replayed: true), replay);
                    return false;
                }
                catch (SessionRefusedException ex)
                {
                    refused = ex;
                    return true;
                }
            },
            "the session record expires",
            TimeSpan.FromSeconds(60));

        Assert.Equal(SessionDecision.UnknownSession, refused!.Decision);
        Assert.Equal(new BigInteger(15), await store.GetAsync(name, Timeout).DefaultTimeout());
        var fresh = await store.MultiplyAsync(name, 7, Dedupe.FromSession(UniqueName(), 1, 1), Timeout).DefaultTimeout();
        Assert.Equal(new MultiplyOutcome(105, Replayed: false), fresh);
    }

    [Fact]
    public async Task Session_ManySequentialCallsEachConfirmingThePrevious_RecordKeepsOnlyTheLastAnswers()
    {
        var store = await CreateStoreAsync();
        var name = UniqueName();
        var session = UniqueName();
        for (ulong sequence = 1; sequence <= 200; sequence++)
        {
            await store.MultiplyAsync(name, -1, Dedupe.FromSession(session, sequence, sequence), Timeout).DefaultTimeout();
        }

        var raw = await ReadRawAsync(AccumulatorKeys.Session(name, session));

        Assert.NotNull(raw);
        Assert.True(SessionRecord.TryDecode(raw, out var record), $"the stored bytes are a session record: {System.Text.Encoding.ASCII.GetString(raw)}");
        Assert.Equal(200UL, record.Floor);
        Assert.InRange(record.Count, 1, 2);
        Assert.Equal(BigInteger.One, await store.GetAsync(name, Timeout).DefaultTimeout());
    }

    [Fact]
    public async Task Session_SeveralSessionsAndRequestIdsInOneBatch_EachDecidedOnItsOwnRecord()
    {
        var store = await CreateStoreAsync();
        var name = UniqueName();
        var sessions = Enumerable.Range(0, 8).Select(_ => UniqueName()).ToArray();
        var primes = Primes.First(sessions.Length * 6 + 8);
        var calls = new List<(Dedupe Dedupe, int Prime)>();
        for (var i = 0; i < sessions.Length * 6; i++)
        {
            calls.Add((Dedupe.FromSession(sessions[i % sessions.Length], (ulong)(i / sessions.Length) + 1, 1), primes[i]));
        }

        for (var i = sessions.Length * 6; i < primes.Length; i++)
        {
            calls.Add(($"req-{i}", primes[i]));
        }

        // Started together through one store, they share batches.
        var applied = await Task.WhenAll(calls.Select(c => store.MultiplyAsync(name, c.Prime, c.Dedupe, Timeout))).DefaultTimeout();
        var replayed = await Task.WhenAll(calls.Select(c => store.MultiplyAsync(name, c.Prime, c.Dedupe, Timeout))).DefaultTimeout();

        Assert.All(applied, o => Assert.False(o.Replayed));
        Assert.Equal(applied.Select(o => o with { Replayed = true }), replayed);
        Assert.Equal(primes.Aggregate(BigInteger.One, (p, q) => p * q), await store.GetAsync(name, Timeout).DefaultTimeout());
    }

    [Fact]
    public async Task Session_MaxAnswersUnconfirmed_NextRefusedTooManyInFlightUntilTheFloorMoves()
    {
        var store = await CreateStoreAsync();
        var name = UniqueName();
        var session = UniqueName();
        await Task.WhenAll(Enumerable.Range(1, SessionRecord.MaxAnswers)
            .Select(s => store.MultiplyAsync(name, -1, Dedupe.FromSession(session, (ulong)s, 1), Timeout))).WaitAsync(TimeSpan.FromMinutes(1));
        const ulong next = SessionRecord.MaxAnswers + 1;

        var refused = await Assert.ThrowsAsync<SessionRefusedException>(
            () => store.MultiplyAsync(name, 3, Dedupe.FromSession(session, next, 1), Timeout)).DefaultTimeout();
        Assert.Equal(SessionDecision.TooManyInFlight, refused.Decision);
        Assert.Equal(BigInteger.One, await store.GetAsync(name, Timeout).DefaultTimeout());

        // Confirming the first answer makes room for one more.
        Assert.Equal(new MultiplyOutcome(3, Replayed: false), await store.MultiplyAsync(name, 3, Dedupe.FromSession(session, next, 2), Timeout).DefaultTimeout());
    }
}
