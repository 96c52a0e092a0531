using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Time.Testing;
using Roundabout.Contracts.Database.V1;

namespace Roundabout.Database.Tests.Grpc;

[Trait(Tier.Name, Tier.Host)]
public sealed class DatabaseServiceTests
{
    private static ByteString Bytes(string text) => ByteString.CopyFromUtf8(text);

    [Fact]
    public async Task EveryRpc_OverARealSocket_BehavesAsTheContractSays()
    {
        await using var server = await DatabaseServer.StartAsync();
        var db = server.Client;

        Assert.False((await db.GetAsync(new GetRequest { Key = "acc/global" })).Found);

        var put = await db.PutAsync(new PutRequest { Key = "acc/global", Value = Bytes("1") });
        Assert.Equal(1, put.Version);

        var get = await db.GetAsync(new GetRequest { Key = "acc/global" });
        Assert.True(get.Found);
        Assert.Equal(("acc/global", "1", 1L), (get.Item.Key, get.Item.Value.ToStringUtf8(), get.Item.Version));

        var cas = await db.CompareAndSwapAsync(new CompareAndSwapRequest { Key = "acc/global", ExpectedVersion = 1, Value = Bytes("4") });
        Assert.Equal((true, 2L), (cas.Succeeded, cas.Version));
        var stale = await db.CompareAndSwapAsync(new CompareAndSwapRequest { Key = "acc/global", ExpectedVersion = 1, Value = Bytes("9") });
        Assert.Equal((false, 2L), (stale.Succeeded, stale.Version));

        var list = await db.ListAsync(new ListRequest { Prefix = "acc/", IncludeValues = true });
        Assert.Equal("4", Assert.Single(list.Items).Value.ToStringUtf8());
        Assert.False(list.Truncated);

        Assert.True((await db.DeleteAsync(new DeleteRequest { Key = "acc/global" })).Deleted);
        Assert.False((await db.DeleteAsync(new DeleteRequest { Key = "acc/global" })).Deleted);
    }

    [Fact]
    public async Task Txn_TheServersExactlyOnceMultiply_AppliesOnceAndRefusesTheRetry()
    {
        await using var server = await DatabaseServer.StartAsync();
        var db = server.Client;
        var acc = await db.PutAsync(new PutRequest { Key = "acc/global", Value = Bytes("1") });

        TxnRequest Multiply(long expected, string value)
        {
            var txn = new TxnRequest();
            txn.Compares.Add(new Compare { Key = "acc/global", ExpectedVersion = expected });
            txn.Compares.Add(new Compare { Key = "acc/global/req/r1", ExpectedVersion = 0 });
            txn.Ops.Add(new TxnOp { Put = new PutOp { Key = "acc/global", Value = Bytes(value) } });
            txn.Ops.Add(new TxnOp { Put = new PutOp { Key = "acc/global/req/r1", Value = Bytes(value), TtlMs = 600_000 } });
            return txn;
        }

        var first = await db.TxnAsync(Multiply(acc.Version, "3"));
        Assert.True(first.Succeeded);
        Assert.Empty(first.CurrentVersions);

        var retry = await db.TxnAsync(Multiply(first.Version, "9"));
        Assert.False(retry.Succeeded);
        Assert.Equal(0, retry.Version);
        Assert.Equal([first.Version, first.Version], retry.CurrentVersions);

        var dedupe = await db.GetAsync(new GetRequest { Key = "acc/global/req/r1" });
        Assert.Equal("3", dedupe.Item.Value.ToStringUtf8());
        Assert.Equal("3", (await db.GetAsync(new GetRequest { Key = "acc/global" })).Item.Value.ToStringUtf8());

        var delete = new TxnRequest();
        delete.Ops.Add(new TxnOp { Delete = new DeleteOp { Key = "acc/global/req/r1" } });
        Assert.True((await db.TxnAsync(delete)).Succeeded);
        Assert.False((await db.GetAsync(new GetRequest { Key = "acc/global/req/r1" })).Found);
    }

    [Fact]
    public async Task Put_WithTtl_ExpiresOnTheInjectedClock()
    {
        var time = new FakeTimeProvider();
        await using var server = await DatabaseServer.StartAsync(time: time);
        await server.Client.PutAsync(new PutRequest { Key = "req/1", Value = Bytes("x"), TtlMs = 5_000 });
        Assert.True((await server.Client.GetAsync(new GetRequest { Key = "req/1" })).Found);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.False((await server.Client.GetAsync(new GetRequest { Key = "req/1" })).Found);
    }

    [Fact]
    public async Task Health_ReportsServing()
    {
        await using var server = await DatabaseServer.StartAsync();
        var health = new Health.HealthClient(server.Channel);

        // The health service publishes its status a few seconds after start; until then it says Unknown.
        await Eventually.UntilAsync(
            async () => (await health.CheckAsync(new HealthCheckRequest())).Status == HealthCheckResponse.Types.ServingStatus.Serving,
            "the database reports SERVING");
    }

    [Fact]
    public async Task DurableHost_Restarted_OnTheSameDirectory_KeepsDataAndVersions()
    {
        using var dir = new TempDirectory();
        long version;
        await using (var first = await DatabaseServer.StartAsync(dir.Path))
        {
            version = (await first.Client.PutAsync(new PutRequest { Key = "k", Value = Bytes("kept") })).Version;
        }

        await using var second = await DatabaseServer.StartAsync(dir.Path);
        var get = await second.Client.GetAsync(new GetRequest { Key = "k" });
        Assert.Equal(("kept", version), (get.Item.Value.ToStringUtf8(), get.Item.Version));
        Assert.True((await second.Client.PutAsync(new PutRequest { Key = "k", Value = Bytes("new") })).Version > version);
    }

    [Theory]
    [InlineData("get.key empty")]
    [InlineData("get.key too long")]
    [InlineData("put.key empty")]
    [InlineData("put.key too long")]
    [InlineData("put.value too large")]
    [InlineData("put.ttl_ms negative")]
    [InlineData("put.ttl_ms too long")]
    [InlineData("delete.key empty")]
    [InlineData("cas.key empty")]
    [InlineData("cas.expected_version negative")]
    [InlineData("cas.value too large")]
    [InlineData("cas.ttl_ms negative")]
    [InlineData("list.prefix too long")]
    [InlineData("list.limit negative")]
    [InlineData("list.limit too large")]
    [InlineData("txn.compares.key empty")]
    [InlineData("txn.compares.expected_version negative")]
    [InlineData("txn.ops empty op")]
    [InlineData("txn.ops.put.key empty")]
    [InlineData("txn.ops.put.value too large")]
    [InlineData("txn.ops.put.ttl_ms negative")]
    [InlineData("txn.ops.delete.key too long")]
    [InlineData("txn.ops duplicate key")]
    [InlineData("txn.ops too many")]
    [InlineData("txn.ops.atomic.kind unspecified")]
    [InlineData("txn.ops.atomic.operand not a number")]
    [InlineData("txn.ops.atomic.operand with a NUL")]
    [InlineData("txn.ops.atomic.key empty")]
    [InlineData("txn.ops.atomic.request_ttl_ms negative")]
    [InlineData("txn.ops.atomic put on the same key")]
    public async Task BadInput_InEveryField_IsInvalidArgumentAndChangesNothing(string field)
    {
        await using var server = await DatabaseServer.StartAsync();
        var db = server.Client;
        var longKey = new string('k', 257);
        var bigValue = ByteString.CopyFrom(new byte[64 * 1024 + 1]);
        Task call = field switch
        {
            "get.key empty" => db.GetAsync(new GetRequest()).ResponseAsync,
            "get.key too long" => db.GetAsync(new GetRequest { Key = longKey }).ResponseAsync,
            "put.key empty" => db.PutAsync(new PutRequest { Value = Bytes("v") }).ResponseAsync,
            "put.key too long" => db.PutAsync(new PutRequest { Key = longKey }).ResponseAsync,
            "put.value too large" => db.PutAsync(new PutRequest { Key = "k", Value = bigValue }).ResponseAsync,
            "put.ttl_ms negative" => db.PutAsync(new PutRequest { Key = "k", TtlMs = -1 }).ResponseAsync,
            "put.ttl_ms too long" => db.PutAsync(new PutRequest { Key = "k", TtlMs = long.MaxValue }).ResponseAsync,
            "delete.key empty" => db.DeleteAsync(new DeleteRequest()).ResponseAsync,
            "cas.key empty" => db.CompareAndSwapAsync(new CompareAndSwapRequest()).ResponseAsync,
            "cas.expected_version negative" => db.CompareAndSwapAsync(new CompareAndSwapRequest { Key = "k", ExpectedVersion = -5 }).ResponseAsync,
            "cas.value too large" => db.CompareAndSwapAsync(new CompareAndSwapRequest { Key = "k", Value = bigValue }).ResponseAsync,
            "cas.ttl_ms negative" => db.CompareAndSwapAsync(new CompareAndSwapRequest { Key = "k", TtlMs = -1 }).ResponseAsync,
            "list.prefix too long" => db.ListAsync(new ListRequest { Prefix = longKey }).ResponseAsync,
            "list.limit negative" => db.ListAsync(new ListRequest { Limit = -1 }).ResponseAsync,
            "list.limit too large" => db.ListAsync(new ListRequest { Limit = 1_000_000 }).ResponseAsync,
            "txn.compares.key empty" => db.TxnAsync(Txn(compare: new Compare())).ResponseAsync,
            "txn.compares.expected_version negative" => db.TxnAsync(Txn(compare: new Compare { Key = "k", ExpectedVersion = -1 })).ResponseAsync,
            "txn.ops empty op" => db.TxnAsync(Txn(new TxnOp())).ResponseAsync,
            "txn.ops.put.key empty" => db.TxnAsync(Txn(new TxnOp { Put = new PutOp() })).ResponseAsync,
            "txn.ops.put.value too large" => db.TxnAsync(Txn(new TxnOp { Put = new PutOp { Key = "k", Value = bigValue } })).ResponseAsync,
            "txn.ops.put.ttl_ms negative" => db.TxnAsync(Txn(new TxnOp { Put = new PutOp { Key = "k", TtlMs = -1 } })).ResponseAsync,
            "txn.ops.delete.key too long" => db.TxnAsync(Txn(new TxnOp { Delete = new DeleteOp { Key = longKey } })).ResponseAsync,
            "txn.ops duplicate key" => db.TxnAsync(Txn(new TxnOp { Put = new PutOp { Key = "k" } }, new TxnOp { Delete = new DeleteOp { Key = "k" } })).ResponseAsync,
            "txn.ops too many" => db.TxnAsync(Txn([.. Enumerable.Range(0, 129).Select(i => new TxnOp { Put = new PutOp { Key = $"k{i}" } })])).ResponseAsync,
            "txn.ops.atomic.kind unspecified" => db.TxnAsync(Txn(new TxnOp { Atomic = new AtomicOp { Key = "k", Operand = "2" } })).ResponseAsync,
            "txn.ops.atomic.operand not a number" => db.TxnAsync(Txn(Atomic("k", "two"))).ResponseAsync,
            "txn.ops.atomic.operand with a NUL" => db.TxnAsync(Txn(Atomic("k", "2\0"))).ResponseAsync,
            "txn.ops.atomic.key empty" => db.TxnAsync(Txn(Atomic(string.Empty, "2"))).ResponseAsync,
            "txn.ops.atomic.request_ttl_ms negative" => db.TxnAsync(Txn(new TxnOp { Atomic = new AtomicOp { Key = "k", Kind = AtomicKind.Multiply, Operand = "2", RequestKey = "r", RequestTtlMs = -1 } })).ResponseAsync,
            "txn.ops.atomic put on the same key" => db.TxnAsync(Txn(Atomic("k", "2"), new TxnOp { Put = new PutOp { Key = "k" } })).ResponseAsync,
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => call.DefaultTimeout());
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(error.Status.Detail));
        Assert.Empty((await db.ListAsync(new ListRequest())).Items);

        // The server is unharmed by bad input.
        Assert.Equal(1, (await db.PutAsync(new PutRequest { Key = "ok", Value = Bytes("1") })).Version);
    }

    [Fact]
    public async Task Txn_AtomicMultiply_AppliesInOrderWithDedupeRecordsAndReplays()
    {
        await using var server = await DatabaseServer.StartAsync();
        var db = server.Client;

        var first = await db.TxnAsync(Txn(Atomic("acc/{a}", "3", "acc/{a}/req/1"), Atomic("acc/{a}", "-5", "acc/{a}/req/2"), Atomic("acc/{a}", "7")));
        var retry = await db.TxnAsync(Txn(Atomic("acc/{a}", "3", "acc/{a}/req/1"), Atomic("acc/{a}", "2", "acc/{a}/req/3")));

        Assert.True(first.Succeeded);
        Assert.Equal(["3", "-15", "-105"], first.Results.Select(r => r.Value.ToStringUtf8()).ToArray());
        Assert.All(first.Results, r => Assert.False(r.Replayed));
        Assert.Equal([("3", true), ("-210", false)], retry.Results.Select(r => (r.Value.ToStringUtf8(), r.Replayed)).ToArray());
        Assert.Equal("-210", (await db.GetAsync(new GetRequest { Key = "acc/{a}" })).Item.Value.ToStringUtf8());
        Assert.Equal("-15", (await db.GetAsync(new GetRequest { Key = "acc/{a}/req/2" })).Item.Value.ToStringUtf8());
    }

    [Fact]
    public async Task Txn_AtomicPastTheCapOrOnText_IsRefusedWithItsOwnStatusAndChangesNothing()
    {
        await using var server = await DatabaseServer.StartAsync();
        var db = server.Client;
        var half = (System.Numerics.BigInteger.One << 4095).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await db.PutAsync(new PutRequest { Key = "acc", Value = Bytes(half) });
        await db.PutAsync(new PutRequest { Key = "text", Value = Bytes("hello") });

        var overflow = await Assert.ThrowsAsync<RpcException>(() => db.TxnAsync(Txn(Atomic("acc", "2", "req/1"))).ResponseAsync.DefaultTimeout());
        var notANumber = await Assert.ThrowsAsync<RpcException>(() => db.TxnAsync(Txn(Atomic("text", "2"))).ResponseAsync.DefaultTimeout());

        Assert.Equal(StatusCode.OutOfRange, overflow.StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, notANumber.StatusCode);
        Assert.Equal(half, (await db.GetAsync(new GetRequest { Key = "acc" })).Item.Value.ToStringUtf8());
        Assert.False((await db.GetAsync(new GetRequest { Key = "req/1" })).Found);
        Assert.Equal("hello", (await db.GetAsync(new GetRequest { Key = "text" })).Item.Value.ToStringUtf8());
    }

    private static TxnOp Atomic(string key, string operand, string requestKey = "") =>
        new() { Atomic = new AtomicOp { Key = key, Kind = AtomicKind.Multiply, Operand = operand, RequestKey = requestKey, RequestTtlMs = requestKey.Length == 0 ? 0 : 600_000 } };

    private static TxnRequest Txn(params TxnOp[] ops) => Txn(null, ops);

    private static TxnRequest Txn(Compare? compare, params TxnOp[] ops)
    {
        var txn = new TxnRequest();
        if (compare is not null)
        {
            txn.Compares.Add(compare);
        }

        txn.Ops.Add(ops);
        return txn;
    }
}
