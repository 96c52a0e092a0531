using System.Numerics;
using Microsoft.Extensions.Time.Testing;
using Roundabout.Contracts;
using Roundabout.Database.Engine;
using static Roundabout.Database.Tests.StoreFactory;

namespace Roundabout.Database.Tests.Engine;

[Trait(Tier.Name, Tier.Unit)]
public sealed class AtomicOpTests : IDisposable
{
    private static readonly CancellationToken _none = CancellationToken.None;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static TxnWrite Multiply(string key, long factor, string? requestKey = null, long ttlMs = 0) =>
        TxnWrite.Update(key, new AtomicUpdate(AtomicOperation.Multiply, factor, requestKey, ttlMs));

    private static Task<TxnResult> Apply(KeyValueStore store, params TxnWrite[] writes) => store.TxnAsync([], writes, _none);

    private static string[] Values(TxnResult result) => result.Outcomes.Select(o => Text(o.Value!)).ToArray();

    [Fact]
    public async Task Multiply_AbsentKey_StartsFromOne_AndAddFromZero()
    {
        await using var store = InMemory();

        var product = await Apply(store, Multiply("acc", 6));
        var sum = await Apply(store, TxnWrite.Update("total", new AtomicUpdate(AtomicOperation.Add, -4)));

        Assert.Equal(["6"], Values(product));
        Assert.Equal(["-4"], Values(sum));
        Assert.Equal("6", Text((await store.GetAsync("acc", _none))!.Value));
        Assert.Equal("-4", Text((await store.GetAsync("total", _none))!.Value));
    }

    [Fact]
    public async Task Multiply_ManyOpsOnOneKey_ApplyInOrderUnderOneRevision()
    {
        await using var store = InMemory();
        await store.PutAsync("acc", Bytes("2"), 0, _none);

        var result = await Apply(store, Multiply("acc", 3, "req/a", 60_000), Multiply("acc", 5, "req/b", 60_000), Multiply("acc", -7));

        Assert.True(result.Succeeded);
        Assert.Equal(["6", "30", "-210"], Values(result));
        Assert.All(result.Outcomes, o => Assert.False(o.Replayed));
        var value = await store.GetAsync("acc", _none);
        Assert.Equal(("-210", result.Version), (Text(value!.Value), value.Version));
        Assert.Equal(2L, result.Version);
        Assert.Equal("6", Text((await store.GetAsync("req/a", _none))!.Value));
        Assert.Equal("30", Text((await store.GetAsync("req/b", _none))!.Value));
    }

    [Fact]
    public async Task Multiply_RequestKeyAlreadyHeld_ReturnsTheFirstResultAndChangesNothing()
    {
        await using var store = InMemory();
        var first = await Apply(store, Multiply("acc", 3, "req/a", 60_000));
        var revision = store.Revision;

        var again = await Apply(store, Multiply("acc", 3, "req/a", 60_000));

        Assert.Equal(("3", true), (Text(again.Outcomes[0].Value!), again.Outcomes[0].Replayed));
        Assert.Equal("3", Text((await store.GetAsync("acc", _none))!.Value));
        Assert.False(first.Outcomes[0].Replayed);
        Assert.Equal(revision, store.Revision);
    }

    [Fact]
    public async Task Multiply_SameRequestKeyTwiceInOneTxn_SecondIsAReplay()
    {
        await using var store = InMemory();

        var result = await Apply(store, Multiply("acc", 3, "req/a", 60_000), Multiply("acc", 3, "req/a", 60_000), Multiply("acc", 2));

        Assert.Equal(["3", "3", "6"], Values(result));
        Assert.Equal([false, true, false], result.Outcomes.Select(o => o.Replayed).ToArray());
        Assert.Equal("6", Text((await store.GetAsync("acc", _none))!.Value));
    }

    [Fact]
    public async Task Multiply_RequestKeyExpired_AppliesAgain()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var store = InMemory(time);
        await Apply(store, Multiply("acc", 3, "req/a", 5_000));

        time.Advance(TimeSpan.FromSeconds(6));
        var again = await Apply(store, Multiply("acc", 3, "req/a", 5_000));

        Assert.Equal(("9", false), (Text(again.Outcomes[0].Value!), again.Outcomes[0].Replayed));
    }

    [Fact]
    public async Task Multiply_PastTheCap_RefusesTheWholeTxnAndChangesNothing()
    {
        await using var store = InMemory();
        var nearCap = ExactInteger.Limit / 2;
        await store.PutAsync("acc", StoredInteger.Encode(nearCap), 0, _none);
        var revision = store.Revision;

        var error = await Assert.ThrowsAsync<ResultOutOfRangeException>(() => Apply(store, Multiply("other", 5, "req/x", 60_000), Multiply("acc", 2, "req/y", 60_000)));

        Assert.Contains("ops[1]", error.Message, StringComparison.Ordinal);
        Assert.Equal(revision, store.Revision);
        Assert.Equal(nearCap, BigInteger.Parse(Text((await store.GetAsync("acc", _none))!.Value)));
        Assert.Null(await store.GetAsync("other", _none));
        Assert.Null(await store.GetAsync("req/x", _none));
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("")]
    [InlineData("12 ")]
    [InlineData("+5")]
    [InlineData("-")]
    public async Task Multiply_StoredValueNotAnInteger_RefusedAndUnchanged(string stored)
    {
        await using var store = InMemory();
        await store.PutAsync("acc", Bytes(stored), 0, _none);

        await Assert.ThrowsAsync<NotAnIntegerException>(() => Apply(store, Multiply("acc", 2)));

        Assert.Equal(stored, Text((await store.GetAsync("acc", _none))!.Value));
    }

    [Fact]
    public async Task Txn_PutAndAtomicOnOneKey_IsRejected()
    {
        await using var store = InMemory();

        await Assert.ThrowsAsync<InvalidRequestException>(() => Apply(store, TxnWrite.Put("acc", Bytes("1")), Multiply("acc", 2)));
        await Assert.ThrowsAsync<InvalidRequestException>(() => Apply(store, Multiply("acc", 2, "other"), Multiply("other", 2)));
        Assert.Equal(0, store.Revision);
    }

    [Fact]
    public async Task Txn_ComparesAndAtomicOps_MixInOneCommit()
    {
        await using var store = InMemory();
        var version = await store.PutAsync("guard", Bytes("x"), 0, _none);

        var failed = await store.TxnAsync([new VersionCompare("guard", version + 1)], [Multiply("acc", 2)], _none);
        var held = await store.TxnAsync([new VersionCompare("guard", version)], [Multiply("acc", 2), TxnWrite.Delete("guard")], _none);

        Assert.False(failed.Succeeded);
        Assert.Empty(failed.Outcomes);
        Assert.True(held.Succeeded);
        Assert.Equal("2", Text(held.Outcomes[0].Value!));
        Assert.Null(held.Outcomes[1].Value);
        Assert.Null(await store.GetAsync("guard", _none));
    }

    [Fact]
    public async Task Reopen_AfterAtomicOps_RestoresTheResultsAndDedupeRecords()
    {
        var (store, _) = Durable(_dir.Path);
        await using (store)
        {
            await Apply(store, Multiply("acc", 3, "req/a", 600_000), Multiply("acc", 5, "req/b", 600_000));
            await Apply(store, Multiply("acc", 7, "req/c", 600_000));
        }

        var (reopened, _) = Durable(_dir.Path);
        await using (reopened)
        {
            Assert.Equal(2, reopened.Revision);
            Assert.Equal(("105", 2L), (Text((await reopened.GetAsync("acc", _none))!.Value), (await reopened.GetAsync("acc", _none))!.Version));
            var replay = await Apply(reopened, Multiply("acc", 5, "req/b", 600_000));
            Assert.Equal(("15", true), (Text(replay.Outcomes[0].Value!), replay.Outcomes[0].Replayed));
            Assert.Equal("105", Text((await reopened.GetAsync("acc", _none))!.Value));
        }
    }
}
