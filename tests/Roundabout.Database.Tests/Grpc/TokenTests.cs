using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Roundabout.Contracts.Database.V1;

namespace Roundabout.Database.Tests.Grpc;

/// <summary>With a token set, every Database call needs it and a refused call changes nothing; health stays open.</summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class TokenTests
{
    private const string Token = "db-s3cret";

    private static readonly string[] _methods = ["Get", "Put", "Delete", "CompareAndSwap", "List", "Txn"];

    /// <summary>Every RPC, with no token and with a wrong one.</summary>
    public static TheoryData<string, string?> Refusals
    {
        get
        {
            var data = new TheoryData<string, string?>();
            foreach (var method in _methods)
            {
                data.Add(method, null);
                data.Add(method, "wrong");
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Call_WithoutTheRightToken_IsUnauthenticatedWithAMessageSayingWhatToPass(string method, string? sent)
    {
        await using var server = await DatabaseServer.StartAsync(token: Token);
        var headers = sent is null ? null : Bearer(sent);

        // Data present, so that a refused Put, Delete, CompareAndSwap or Txn would show if it had run:
        // each of them, accepted, changes this key (the CompareAndSwap names its current version).
        var before = await server.Client.PutAsync(new PutRequest { Key = "token/k", Value = ByteString.CopyFromUtf8("before") }, Bearer(Token)).ResponseAsync.DefaultTimeout();

        var error = await Assert.ThrowsAsync<RpcException>(() => Call(server.Client, method, headers, before.Version).DefaultTimeout());

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains($"{method} needs this database's token", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("--database-token", error.Status.Detail, StringComparison.Ordinal);
        var stored = await server.Client.GetAsync(new GetRequest { Key = "token/k" }, Bearer(Token)).ResponseAsync.DefaultTimeout();
        Assert.True(stored.Found);
        Assert.Equal("before", stored.Item.Value.ToStringUtf8());
        Assert.Equal(before.Version, stored.Item.Version);
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Call_WithoutTheRightToken_OnAStoreWithoutData_StoresNothing(string method, string? sent)
    {
        await using var server = await DatabaseServer.StartAsync(token: Token);
        var headers = sent is null ? null : Bearer(sent);

        await Assert.ThrowsAsync<RpcException>(() => Call(server.Client, method, headers, 0).DefaultTimeout());

        var stored = await server.Client.GetAsync(new GetRequest { Key = "token/k" }, Bearer(Token)).ResponseAsync.DefaultTimeout();
        Assert.False(stored.Found);
    }

    [Fact]
    public async Task Calls_WithTheToken_Succeed()
    {
        await using var server = await DatabaseServer.StartAsync(token: Token);
        var headers = Bearer(Token);

        await Call(server.Client, "Put", headers, 0).DefaultTimeout();
        await Call(server.Client, "Txn", headers, 0).DefaultTimeout();
        var stored = await server.Client.GetAsync(new GetRequest { Key = "token/k" }, headers).ResponseAsync.DefaultTimeout();

        Assert.True(stored.Found);
        Assert.Equal("v", stored.Item.Value.ToStringUtf8());
    }

    [Fact]
    public async Task Health_WithATokenSet_StaysOpenWithoutOne()
    {
        await using var server = await DatabaseServer.StartAsync(token: Token);
        var health = new Health.HealthClient(server.Channel);

        await Eventually.UntilAsync(
            async () => (await health.CheckAsync(new HealthCheckRequest())).Status == HealthCheckResponse.Types.ServingStatus.Serving,
            "the database reports SERVING to a probe without a token");
    }

    private static Task Call(Contracts.Database.V1.Database.DatabaseClient db, string method, Metadata? headers, long version)
    {
        var value = ByteString.CopyFromUtf8("v");
        var txn = new TxnRequest();
        txn.Ops.Add(new TxnOp { Put = new PutOp { Key = "token/k", Value = value } });
        return method switch
        {
            "Put" => db.PutAsync(new PutRequest { Key = "token/k", Value = value }, headers).ResponseAsync,
            "Txn" => db.TxnAsync(txn, headers).ResponseAsync,
            "Get" => db.GetAsync(new GetRequest { Key = "token/k" }, headers).ResponseAsync,
            "Delete" => db.DeleteAsync(new DeleteRequest { Key = "token/k" }, headers).ResponseAsync,
            "CompareAndSwap" => db.CompareAndSwapAsync(new CompareAndSwapRequest { Key = "token/k", ExpectedVersion = version, Value = value }, headers).ResponseAsync,
            "List" => db.ListAsync(new ListRequest { Prefix = "token/" }, headers).ResponseAsync,
            _ => throw new ArgumentOutOfRangeException(nameof(method)),
        };
    }

    private static Metadata Bearer(string token) => new() { { "authorization", $"Bearer {token}" } };
}
