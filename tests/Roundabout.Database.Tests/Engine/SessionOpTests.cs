using Microsoft.Extensions.Time.Testing;
using Roundabout.Contracts.Sessions;
using Roundabout.Database.Engine;
using static Roundabout.Database.Tests.StoreFactory;

namespace Roundabout.Database.Tests.Engine;

/// <summary>
/// Atomic ops deduplicated by a client session: one record per session and value, written in the
/// same commit as the value, that keeps only the answers above the client's confirmation floor.
/// </summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed class SessionOpTests : IDisposable
{
    private const string Value = "acc/{s}";
    private const string Session = "acc/{s}/session/abc";
    private const long Ttl = 60_000;
    private static readonly CancellationToken _none = CancellationToken.None;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static TxnWrite Call(long factor, ulong sequence, ulong confirmedBelow, string session = Session) =>
        TxnWrite.Update(Value, new AtomicUpdate(AtomicOperation.Multiply, factor, Session: new SessionUpdate(session, sequence, confirmedBelow, Ttl)));

    private static Task<TxnResult> Apply(KeyValueStore store, params TxnWrite[] writes) => store.TxnAsync([], writes, _none);

    private static async Task<string?> ReadAsync(KeyValueStore store, string key) =>
        await store.GetAsync(key, _none) is { } item ? Text(item.Value) : null;

    [Fact]
    public async Task Sequence_AppliedOnce_ThenReplayedWithItsFirstResult()
    {
        await using var store = InMemory();

        var first = await Apply(store, Call(3, 1, 1));
        await Apply(store, Call(5, 2, 1));
        var again = await Apply(store, Call(3, 1, 1));

        Assert.Equal(("3", false), (Text(first.Outcomes[0].Value!), first.Outcomes[0].Replayed));
        Assert.True(again.Outcomes[0].Replayed);
        Assert.Equal("3", Text(again.Outcomes[0].Value!));
        Assert.Equal("15", await ReadAsync(store, Value));
        Assert.Equal("1 1=3 2=15", await ReadAsync(store, Session));
    }

    [Fact]
    public async Task Floor_DropsTheAnswersBelowIt_SoTheRecordHoldsOnlyWhatIsInFlight()
    {
        await using var store = InMemory();

        for (ulong sequence = 1; sequence <= 200; sequence++)
        {
            // Each call confirms the one before it, as a client with one call at a time does.
            await Apply(store, Call(1, sequence, sequence));
        }

        Assert.Equal("200 200=1", await ReadAsync(store, Session));
        Assert.True(SessionRecord.TryDecode(Bytes((await ReadAsync(store, Session))!), out var record));
        Assert.Equal(1, record.Count);
    }

    [Fact]
    public async Task SequenceBelowTheFloor_IsRefusedAsAlreadyConfirmed_AndChangesNothing()
    {
        await using var store = InMemory();
        await Apply(store, Call(3, 1, 1));
        await Apply(store, Call(5, 2, 2));
        var revision = store.Revision;

        var late = await Apply(store, Call(3, 1, 1));

        Assert.Equal(SessionDecision.AlreadyConfirmed, late.Outcomes[0].Refusal);
        Assert.Null(late.Outcomes[0].Value);
        Assert.Equal("15", await ReadAsync(store, Value));
        Assert.Equal(revision, store.Revision);
    }

    [Fact]
    public async Task NoRecordButEarlierSequencesConfirmed_IsRefusedAsUnknownSession_AndWritesNothing()
    {
        await using var store = InMemory();

        var result = await Apply(store, Call(7, 12, 10, "acc/{s}/session/gone"));

        Assert.Equal(SessionDecision.UnknownSession, result.Outcomes[0].Refusal);
        Assert.Null(await ReadAsync(store, Value));
        Assert.Null(await ReadAsync(store, "acc/{s}/session/gone"));
        Assert.Equal(0L, store.Revision);
    }

    [Fact]
    public async Task Record_ExpiresItsTtlAfterTheLastWrite_ThenTheSessionIsUnknown()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        await using var store = InMemory(time);
        await Apply(store, Call(3, 1, 1));
        time.Advance(TimeSpan.FromMilliseconds(Ttl - 1000));
        await Apply(store, Call(5, 2, 2));

        // The second write moved the expiry: a TTL after the first, the record is still there.
        time.Advance(TimeSpan.FromMilliseconds(2000));
        Assert.NotNull(await ReadAsync(store, Session));
        time.Advance(TimeSpan.FromMilliseconds(Ttl));
        var afterExpiry = await Apply(store, Call(11, 3, 3));

        Assert.Equal(SessionDecision.UnknownSession, afterExpiry.Outcomes[0].Refusal);
        Assert.Equal("15", await ReadAsync(store, Value));
    }

    [Fact]
    public async Task Record_RewrittenThousandsOfTimes_QueuesOneExpiry_AndStillExpiresAfterItsLastWrite()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        await using var store = InMemory(time);

        for (ulong sequence = 1; sequence <= 2000; sequence++)
        {
            await Apply(store, Call(1, sequence, sequence));
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        // Each write moved the record's expiry later; the queue holds one item for it, not 2,000.
        Assert.Equal(1, store.QueuedExpiries);
        time.Advance(TimeSpan.FromMilliseconds(Ttl - 5_000));
        store.PurgeExpired();
        Assert.Equal(2, store.StoredKeyCount);
        time.Advance(TimeSpan.FromMilliseconds(10_000));
        store.PurgeExpired();
        Assert.Equal(1, store.StoredKeyCount);
        Assert.Equal(0, store.QueuedExpiries);
    }

    [Fact]
    public async Task OneBatch_ManyCallsOfTwoSessionsOutOfOrder_EachAppliedOnce_EachRecordWrittenOnce()
    {
        await using var store = InMemory();

        var result = await Apply(
            store,
            Call(2, 3, 1),
            Call(3, 1, 1, "acc/{s}/session/other"),
            Call(5, 1, 1),
            Call(2, 3, 1),
            Call(7, 2, 1));

        Assert.Equal(["2", "6", "30", "2", "210"], result.Outcomes.Select(o => Text(o.Value!)));
        Assert.Equal([false, false, false, true, false], result.Outcomes.Select(o => o.Replayed));
        Assert.Equal("210", await ReadAsync(store, Value));
        Assert.Equal("1 1=30 2=210 3=2", await ReadAsync(store, Session));
        Assert.Equal("1 1=6", await ReadAsync(store, "acc/{s}/session/other"));
        Assert.Equal(1L, store.Revision);
    }

    [Fact]
    public async Task TooManyAnswersKept_IsRefused_UntilTheClientConfirmsSome()
    {
        await using var store = InMemory();
        for (ulong sequence = 1; sequence <= (ulong)SessionRecord.MaxAnswers; sequence++)
        {
            await Apply(store, Call(1, sequence, 1));
        }

        var refused = await Apply(store, Call(1, (ulong)SessionRecord.MaxAnswers + 1, 1));
        var confirmed = await Apply(store, Call(1, (ulong)SessionRecord.MaxAnswers + 1, 2));

        Assert.Equal(SessionDecision.TooManyInFlight, refused.Outcomes[0].Refusal);
        Assert.Null(confirmed.Outcomes[0].Refusal);
    }

    [Theory]
    [InlineData(0UL, 1UL)]
    [InlineData(1UL, 0UL)]
    [InlineData(3UL, 4UL)]
    public async Task InvalidSequenceOrFloor_IsRefusedAsInvalid_AndChangesNothing(ulong sequence, ulong confirmedBelow)
    {
        await using var store = InMemory();

        await Assert.ThrowsAsync<InvalidRequestException>(() => Apply(store, Call(3, sequence, confirmedBelow)));

        Assert.Null(await ReadAsync(store, Value));
        Assert.Equal(0L, store.Revision);
    }

    [Fact]
    public async Task SessionKeyHoldingAnotherValue_IsRefused_AndChangesNothing()
    {
        await using var store = InMemory();
        await store.PutAsync(Session, Bytes("not a record"), 0, _none);

        await Assert.ThrowsAsync<NotASessionRecordException>(() => Apply(store, Call(3, 1, 1)));

        Assert.Null(await ReadAsync(store, Value));
    }

    [Fact]
    public async Task DurableStore_ReopenedAfterACrash_ReplaysAnUnconfirmedSequence()
    {
        var (store, _) = Durable(_dir.Path);
        await Apply(store, Call(3, 1, 1));
        await Apply(store, Call(5, 2, 1));
        await store.DisposeAsync();

        var (reopened, _) = Durable(_dir.Path);
        await using (reopened)
        {
            var replay = await Apply(reopened, Call(3, 1, 1));

            Assert.True(replay.Outcomes[0].Replayed);
            Assert.Equal("3", Text(replay.Outcomes[0].Value!));
            Assert.Equal("15", await ReadAsync(reopened, Value));
        }
    }
}
