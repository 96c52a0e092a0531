using Microsoft.Extensions.Time.Testing;
using Roundabout.Database.Engine;
using static Roundabout.Database.Tests.StoreFactory;

namespace Roundabout.Database.Tests.Engine;

[Trait(Tier.Name, Tier.Unit)]
public sealed class KeyValueStoreTests
{
    private static readonly CancellationToken _none = CancellationToken.None;

    [Fact]
    public async Task Get_AbsentKey_IsNotFound()
    {
        await using var store = InMemory();
        Assert.Null(await store.GetAsync("missing", _none).DefaultTimeout());
    }

    [Fact]
    public async Task Put_EveryWrite_TakesTheNextStoreWideRevision()
    {
        await using var store = InMemory();
        var a1 = await store.PutAsync("a", Bytes("1"), 0, _none);
        var b1 = await store.PutAsync("b", Bytes("1"), 0, _none);
        var a2 = await store.PutAsync("a", Bytes("2"), 0, _none);
        Assert.Equal([1L, 2L, 3L], [a1, b1, a2]);

        var a = await store.GetAsync("a", _none);
        Assert.Equal(("2", 3L), (Text(a!.Value), a.Version));
    }

    [Fact]
    public async Task Delete_ThenPut_NeverReusesAVersion()
    {
        await using var store = InMemory();
        var first = await store.PutAsync("k", Bytes("x"), 0, _none);
        Assert.True(await store.DeleteAsync("k", _none));
        Assert.False(await store.DeleteAsync("k", _none));
        var second = await store.PutAsync("k", Bytes("y"), 0, _none);
        Assert.True(second > first + 1, $"the delete took revision {first + 1}, so the new put must be later than it, got {second}");
    }

    [Fact]
    public async Task CompareAndSwap_MatchingVersion_WritesAndReturnsNewVersion()
    {
        await using var store = InMemory();
        var created = await store.CompareAndSwapAsync("k", 0, Bytes("1"), 0, _none);
        Assert.True(created.Succeeded);

        var swapped = await store.CompareAndSwapAsync("k", created.Version, Bytes("2"), 0, _none);
        Assert.True(swapped.Succeeded);
        Assert.True(swapped.Version > created.Version);
        Assert.Equal("2", Text((await store.GetAsync("k", _none))!.Value));
    }

    [Fact]
    public async Task CompareAndSwap_StaleVersion_FailsWithCurrentVersionAndChangesNothing()
    {
        await using var store = InMemory();
        var v1 = await store.PutAsync("k", Bytes("1"), 0, _none);
        var v2 = await store.PutAsync("k", Bytes("2"), 0, _none);

        var stale = await store.CompareAndSwapAsync("k", v1, Bytes("3"), 0, _none);
        Assert.Equal(new CasResult(false, v2), stale);
        Assert.Equal("2", Text((await store.GetAsync("k", _none))!.Value));

        var mustBeAbsent = await store.CompareAndSwapAsync("k", 0, Bytes("3"), 0, _none);
        Assert.Equal(new CasResult(false, v2), mustBeAbsent);
        Assert.Equal(v2, store.Revision);
    }

    [Fact]
    public async Task CompareAndSwap_AbsentKeyWithNonZeroVersion_FailsWithZero()
    {
        await using var store = InMemory();
        Assert.Equal(new CasResult(false, 0), await store.CompareAndSwapAsync("k", 7, Bytes("x"), 0, _none));
    }

    [Fact]
    public async Task CompareAndSwap_ConcurrentIncrements_NeverLoseAnUpdate()
    {
        await using var store = InMemory();
        await store.PutAsync("n", Bytes("0"), 0, _none);
        var tasks = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                while (true)
                {
                    var current = (await store.GetAsync("n", _none))!;
                    var next = int.Parse(Text(current.Value), System.Globalization.CultureInfo.InvariantCulture) + 1;
                    if ((await store.CompareAndSwapAsync("n", current.Version, Bytes(next.ToString(System.Globalization.CultureInfo.InvariantCulture)), 0, _none)).Succeeded)
                    {
                        break;
                    }
                }
            }
        }));
        await Task.WhenAll(tasks).DefaultTimeout();
        Assert.Equal("1600", Text((await store.GetAsync("n", _none))!.Value));
    }

    [Fact]
    public async Task Txn_AllComparesHold_AppliesEveryOpUnderOneVersion()
    {
        await using var store = InMemory();
        var acc = await store.PutAsync("acc", Bytes("1"), 0, _none);
        await store.PutAsync("gone", Bytes("x"), 0, _none);

        var result = await store.TxnAsync(
            [new VersionCompare("acc", acc), new VersionCompare("req/1", 0)],
            [TxnWrite.Put("acc", Bytes("4")), TxnWrite.Put("req/1", Bytes("4"), 60_000), TxnWrite.Delete("gone")],
            _none);

        Assert.True(result.Succeeded);
        Assert.Equal(store.Revision, result.Version);
        Assert.Equal(result.Version, (await store.GetAsync("acc", _none))!.Version);
        Assert.Equal(result.Version, (await store.GetAsync("req/1", _none))!.Version);
        Assert.Null(await store.GetAsync("gone", _none));
    }

    [Fact]
    public async Task Txn_OneCompareFails_AppliesNothingAndReportsCurrentVersions()
    {
        await using var store = InMemory();
        var acc = await store.PutAsync("acc", Bytes("1"), 0, _none);
        var dedupe = await store.PutAsync("req/1", Bytes("4"), 0, _none);
        var before = store.Revision;

        var result = await store.TxnAsync(
            [new VersionCompare("acc", acc), new VersionCompare("req/1", 0)],
            [TxnWrite.Put("acc", Bytes("16")), TxnWrite.Put("req/1", Bytes("16"))],
            _none);

        Assert.False(result.Succeeded);
        Assert.Equal(0, result.Version);
        Assert.Equal([acc, dedupe], result.CurrentVersions);
        Assert.Equal(before, store.Revision);
        Assert.Equal("1", Text((await store.GetAsync("acc", _none))!.Value));
    }

    [Fact]
    public async Task Txn_OnlyCompares_SucceedsWithoutWriting()
    {
        await using var store = InMemory();
        var result = await store.TxnAsync([new VersionCompare("absent", 0)], [], _none);
        Assert.Equal((true, 0L, 0L), (result.Succeeded, result.Version, store.Revision));
    }

    [Fact]
    public async Task Txn_InvalidOpAfterValidOnes_RejectsTheWholeTxn()
    {
        await using var store = InMemory();
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => store.TxnAsync(
            [],
            [TxnWrite.Put("fine", Bytes("1")), TxnWrite.Put("big", new byte[StoreLimits.MaxValueBytes + 1])],
            _none));
        Assert.Contains("ops[1].value", error.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetAsync("fine", _none));
        Assert.Equal(0, store.Revision);
    }

    [Fact]
    public async Task Txn_SameKeyTwice_IsRejected()
    {
        await using var store = InMemory();
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => store.TxnAsync([], [TxnWrite.Put("k", Bytes("1")), TxnWrite.Delete("k")], _none));
        Assert.Contains("ops[1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Txn_TooManyOpsOrCompares_IsRejected()
    {
        await using var store = InMemory();
        var ops = Enumerable.Range(0, StoreLimits.MaxTxnOps + 1).Select(i => TxnWrite.Put($"k{i}", Bytes("1"))).ToList();
        await Assert.ThrowsAsync<InvalidRequestException>(() => store.TxnAsync([], ops, _none));
        var compares = Enumerable.Range(0, StoreLimits.MaxTxnCompares + 1).Select(i => new VersionCompare($"k{i}", 0)).ToList();
        await Assert.ThrowsAsync<InvalidRequestException>(() => store.TxnAsync(compares, [], _none));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public async Task Put_EmptyKey_IsRejected(string? key)
    {
        await using var store = InMemory();
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => store.PutAsync(key!, Bytes("1"), 0, _none));
        Assert.Contains("key must not be empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_AreBoundedInUtf8Bytes()
    {
        await using var store = InMemory();
        await store.PutAsync(new string('k', StoreLimits.MaxKeyBytes), Bytes("1"), 0, _none);

        // 129 two-byte characters are 258 bytes: over the limit although only 129 characters.
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => store.PutAsync(new string('é', 129), Bytes("1"), 0, _none));
        Assert.Contains("258 bytes", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidRequestException>(() => store.GetAsync(new string('k', 257), _none));
        await Assert.ThrowsAsync<InvalidRequestException>(() => store.DeleteAsync(new string('k', 257), _none));
    }

    [Fact]
    public async Task Values_AreBoundedAt64KiB()
    {
        await using var store = InMemory();
        await store.PutAsync("max", new byte[StoreLimits.MaxValueBytes], 0, _none);
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => store.PutAsync("over", new byte[StoreLimits.MaxValueBytes + 1], 0, _none));
        Assert.Contains("65537 bytes", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidRequestException>(() => store.CompareAndSwapAsync("over", 0, new byte[StoreLimits.MaxValueBytes + 1], 0, _none));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(366L * 24 * 3600 * 1000)]
    public async Task Ttl_OutOfRange_IsRejected(long ttlMs)
    {
        await using var store = InMemory();
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => store.PutAsync("k", Bytes("1"), ttlMs, _none));
        Assert.Contains("ttl_ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompareAndSwap_NegativeExpectedVersion_IsRejected()
    {
        await using var store = InMemory();
        await Assert.ThrowsAsync<InvalidRequestException>(() => store.CompareAndSwapAsync("k", -1, Bytes("1"), 0, _none));
        await Assert.ThrowsAsync<InvalidRequestException>(() => store.TxnAsync([new VersionCompare("k", -1)], [], _none));
    }

    [Fact]
    public async Task Ttl_KeyExpires_BecomesInvisibleEverywhereAndIsPurged()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-17T20:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var store = InMemory(time);
        var version = await store.PutAsync("req/1", Bytes("done"), 10_000, _none);
        await store.PutAsync("req/keep", Bytes("kept"), 0, _none);

        time.Advance(TimeSpan.FromMilliseconds(9_999));
        Assert.Equal(version, (await store.GetAsync("req/1", _none))!.Version);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await store.GetAsync("req/1", _none));
        Assert.Equal(["req/keep"], (await store.ListAsync("req/", 0, false, _none)).Items.Select(i => i.Key));
        Assert.False((await store.CompareAndSwapAsync("req/1", version, Bytes("x"), 0, _none)).Succeeded);
        Assert.Equal(0, (await store.TxnAsync([new VersionCompare("req/1", version)], [], _none)).CurrentVersions[0]);

        // The purge timer frees it; expired keys are never counted as stored.
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, store.StoredKeyCount);
    }

    [Fact]
    public async Task Ttl_RewrittenKey_KeepsItsNewExpiry()
    {
        var time = new FakeTimeProvider();
        await using var store = InMemory(time);
        await store.PutAsync("k", Bytes("short"), 1_000, _none);
        await store.PutAsync("k", Bytes("long"), 60_000, _none);
        time.Advance(TimeSpan.FromSeconds(2));
        store.PurgeExpired();
        Assert.Equal("long", Text((await store.GetAsync("k", _none))!.Value));
        await store.PutAsync("k", Bytes("forever"), 0, _none);
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("forever", Text((await store.GetAsync("k", _none))!.Value));
    }

    [Fact]
    public async Task Ttl_ExpiredDedupeKey_LetsTheSameTxnApplyAgain()
    {
        var time = new FakeTimeProvider();
        await using var store = InMemory(time);
        var first = await store.TxnAsync([new VersionCompare("req/a", 0)], [TxnWrite.Put("req/a", Bytes("1"), 5_000)], _none);
        var repeat = await store.TxnAsync([new VersionCompare("req/a", 0)], [TxnWrite.Put("req/a", Bytes("1"), 5_000)], _none);
        Assert.True(first.Succeeded);
        Assert.False(repeat.Succeeded);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.True((await store.TxnAsync([new VersionCompare("req/a", 0)], [TxnWrite.Put("req/a", Bytes("1"), 5_000)], _none)).Succeeded);
    }

    [Fact]
    public async Task List_ReturnsKeysUnderPrefixInOrder_WithLimitAndTruncation()
    {
        await using var store = InMemory();
        foreach (var key in new[] { "b/2", "a/1", "b/1", "b/3", "c/1", "b" })
        {
            await store.PutAsync(key, Bytes(key), 0, _none);
        }

        var all = await store.ListAsync("b/", 0, includeValues: true, _none);
        Assert.Equal(["b/1", "b/2", "b/3"], all.Items.Select(i => i.Key));
        Assert.Equal(["b/1", "b/2", "b/3"], all.Items.Select(i => Text(i.Value)));
        Assert.False(all.Truncated);

        var two = await store.ListAsync("b/", 2, includeValues: false, _none);
        Assert.Equal(["b/1", "b/2"], two.Items.Select(i => i.Key));
        Assert.True(two.Truncated);
        Assert.All(two.Items, i => Assert.Empty(i.Value));

        var exact = await store.ListAsync("b/", 3, includeValues: false, _none);
        Assert.False(exact.Truncated);

        Assert.Equal(6, (await store.ListAsync("", 0, false, _none)).Items.Count);
        Assert.Empty((await store.ListAsync("z", 0, false, _none)).Items);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(StoreLimits.MaxListLimit + 1)]
    public async Task List_LimitOutOfRange_IsRejected(int limit)
    {
        await using var store = InMemory();
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => store.ListAsync("", limit, false, _none));
        Assert.Contains("limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_LargeValues_StopsUnderTheReplySizeAndSaysTruncated()
    {
        await using var store = InMemory();
        for (var i = 0; i < 60; i++)
        {
            await store.PutAsync($"big/{i:D2}", new byte[StoreLimits.MaxValueBytes], 0, _none);
        }

        var result = await store.ListAsync("big/", 0, includeValues: true, _none);
        Assert.True(result.Truncated);
        Assert.True(result.Items.Sum(i => i.Value.Length) <= StoreLimits.MaxListReplyBytes);
        Assert.Equal(60, (await store.ListAsync("big/", 0, includeValues: false, _none)).Items.Count);
    }

    [Fact]
    public async Task Dispose_ThenAnyCall_IsUnavailable()
    {
        var store = InMemory();
        await store.DisposeAsync();
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync("k", _none));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.PutAsync("k", Bytes("1"), 0, _none));
    }
}
