using System.Numerics;
using Grpc.Core;
using Roundabout.Contracts;
using Roundabout.Contracts.Calculator.V1;

namespace Roundabout.Server.Tests.Calculation;

[Trait(Tier.Name, Tier.Host)]
public sealed class MultiplyTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await InProcessCluster.StartAsync(servers: 2);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private Calculator.CalculatorClient First => _cluster.Servers[0].Client;

    private Calculator.CalculatorClient Second => _cluster.Servers[1].Client;

    private static string UniqueName() => "t" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Multiply_NewAccumulator_StartsFromOneAndAccumulatesAcrossServers()
    {
        var name = UniqueName();

        var first = await First.MultiplyAsync(new MultiplyRequest { Factor = "6", Name = name }).ResponseAsync.DefaultTimeout();
        var second = await Second.MultiplyAsync(new MultiplyRequest { Factor = "7", Name = name }).ResponseAsync.DefaultTimeout();

        Assert.Equal("6", first.Result);
        Assert.Equal("42", second.Result);
        Assert.Equal(_cluster.Servers[0].Address, first.Server);
        Assert.Equal(_cluster.Servers[1].Address, second.Server);
        Assert.Equal(name, second.Name);
    }

    [Fact]
    public async Task Multiply_EmptyName_UsesTheGlobalAccumulator()
    {
        var named = UniqueName();
        await First.MultiplyAsync(new MultiplyRequest { Factor = "5", Name = named }).ResponseAsync.DefaultTimeout();

        var reply = await First.MultiplyAsync(new MultiplyRequest { Factor = "6" }).ResponseAsync.DefaultTimeout();
        var global = await Second.GetAccumulatorAsync(new GetAccumulatorRequest { Name = ServiceNames.GlobalAccumulator }).ResponseAsync.DefaultTimeout();
        var other = await Second.GetAccumulatorAsync(new GetAccumulatorRequest { Name = named }).ResponseAsync.DefaultTimeout();

        // Each test has a fresh database: the global accumulator went from 1 to 6, and no other moved.
        Assert.Equal(ServiceNames.GlobalAccumulator, reply.Name);
        Assert.Equal("6", reply.Result);
        Assert.Equal("6", global.Value);
        Assert.Equal("5", other.Value);
    }

    [Fact]
    public async Task Multiply_SameRequestIdOnAnotherServer_ReturnsTheFirstResultAndAppliesNothing()
    {
        var name = UniqueName();
        var id = Guid.NewGuid().ToString("N");

        var first = await First.MultiplyAsync(new MultiplyRequest { Factor = "3", Name = name, RequestId = id }).ResponseAsync.DefaultTimeout();
        await Second.MultiplyAsync(new MultiplyRequest { Factor = "5", Name = name }).ResponseAsync.DefaultTimeout();
        var again = await Second.MultiplyAsync(new MultiplyRequest { Factor = "3", Name = name, RequestId = id }).ResponseAsync.DefaultTimeout();
        var value = await First.GetAccumulatorAsync(new GetAccumulatorRequest { Name = name }).ResponseAsync.DefaultTimeout();

        Assert.False(first.Replayed);
        Assert.True(again.Replayed);
        Assert.Equal("3", again.Result);
        Assert.Equal("15", value.Value);
    }

    [Fact]
    public async Task Multiply_SameRequestIdSentConcurrently_IsAppliedOnceAndEveryCallGetsTheFirstResult()
    {
        var name = UniqueName();
        var id = Guid.NewGuid().ToString("N");

        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            (i % 2 == 0 ? First : Second).MultiplyAsync(new MultiplyRequest { Factor = "7", Name = name, RequestId = id }).ResponseAsync.DefaultTimeout()));
        var value = await First.GetAccumulatorAsync(new GetAccumulatorRequest { Name = name }).ResponseAsync.DefaultTimeout();

        Assert.Equal("7", value.Value);
        Assert.All(replies, r => Assert.Equal("7", r.Result));
        Assert.Single(replies, r => !r.Replayed);
    }

    [Fact]
    public async Task Multiply_ConcurrentTasksThroughTwoServers_LoseNoUpdate()
    {
        var name = UniqueName();
        const int Tasks = 8;
        const int PerTask = 200;

        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(async t =>
        {
            var client = t % 2 == 0 ? First : Second;
            for (var i = 0; i < PerTask; i++)
            {
                await client.MultiplyAsync(new MultiplyRequest { Factor = "2", Name = name, RequestId = $"{t}-{i}" }).ResponseAsync.DefaultTimeout();
            }
        })).WaitAsync(TimeSpan.FromMinutes(2));
        var value = await First.GetAccumulatorAsync(new GetAccumulatorRequest { Name = name }).ResponseAsync.DefaultTimeout();

        Assert.Equal(ExactInteger.Format(BigInteger.Pow(2, Tasks * PerTask)), value.Value);
    }

    [Fact]
    public async Task Multiply_ProductOverTheCap_IsOutOfRangeAndLeavesTheValueUnchanged()
    {
        var name = UniqueName();
        var big = ExactInteger.Format(BigInteger.Pow(2, 4000));
        await First.MultiplyAsync(new MultiplyRequest { Factor = big, Name = name }).ResponseAsync.DefaultTimeout();

        var error = await Assert.ThrowsAsync<RpcException>(() => First.MultiplyAsync(new MultiplyRequest { Factor = big, Name = name }).ResponseAsync.DefaultTimeout());
        var value = await Second.GetAccumulatorAsync(new GetAccumulatorRequest { Name = name }).ResponseAsync.DefaultTimeout();

        Assert.Equal(StatusCode.OutOfRange, error.StatusCode);
        Assert.Contains("reset", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(big, value.Value);
    }

    [Fact]
    public async Task MultiplyAndGet_StoredValueNotANumber_AreFailedPreconditionNamingTheStoreOnceAndChangeNothing()
    {
        var name = UniqueName();
        var database = new Roundabout.Contracts.Database.V1.Database.DatabaseClient(_cluster.Channel(_cluster.DatabaseDirectPort));
        await database.PutAsync(new() { Key = AccumulatorKeys.Value(name), Value = Google.Protobuf.ByteString.CopyFromUtf8("12x") }).ResponseAsync.DefaultTimeout();

        var multiply = await Assert.ThrowsAsync<RpcException>(() => First.MultiplyAsync(new MultiplyRequest { Factor = "2", Name = name }).ResponseAsync.DefaultTimeout());
        var get = await Assert.ThrowsAsync<RpcException>(() => Second.GetAccumulatorAsync(new GetAccumulatorRequest { Name = name }).ResponseAsync.DefaultTimeout());

        var store = $"the database at 127.0.0.1:{_cluster.DatabasePort}";
        foreach (var error in new[] { multiply, get })
        {
            Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
            Assert.Equal(store, error.Trailers.GetValue(FaultTrailers.Store));
            Assert.StartsWith(store + " ", error.Status.Detail, StringComparison.Ordinal);
            Assert.Equal(store.Length, error.Status.Detail.Length - error.Status.Detail.Replace(store, string.Empty, StringComparison.Ordinal).Length);
            Assert.DoesNotContain("may or may not", error.Status.Detail, StringComparison.Ordinal);
        }

        var raw = await database.GetAsync(new() { Key = AccumulatorKeys.Value(name) }).ResponseAsync.DefaultTimeout();
        Assert.Equal("12x", raw.Item.Value.ToStringUtf8());
    }

    [Fact]
    public async Task Reset_SetsTheNamedAccumulatorBackToOneAndLeavesOthers()
    {
        var name = UniqueName();
        var other = UniqueName();
        await First.MultiplyAsync(new MultiplyRequest { Factor = "9", Name = name }).ResponseAsync.DefaultTimeout();
        await First.MultiplyAsync(new MultiplyRequest { Factor = "4", Name = other }).ResponseAsync.DefaultTimeout();

        var reset = await Second.ResetAccumulatorAsync(new ResetAccumulatorRequest { Name = name }).ResponseAsync.DefaultTimeout();
        var after = await First.MultiplyAsync(new MultiplyRequest { Factor = "2", Name = name }).ResponseAsync.DefaultTimeout();
        var untouched = await First.GetAccumulatorAsync(new GetAccumulatorRequest { Name = other }).ResponseAsync.DefaultTimeout();

        Assert.Equal("1", reset.Value);
        Assert.Equal("2", after.Result);
        Assert.Equal("4", untouched.Value);
    }

    [Theory]
    [InlineData("x", "", "", StatusCode.InvalidArgument)]
    [InlineData("", "", "", StatusCode.InvalidArgument)]
    [InlineData("2", "bad name!", "", StatusCode.InvalidArgument)]
    [InlineData("2", "", "id with spaces", StatusCode.InvalidArgument)]
    public async Task Multiply_BadInput_IsRefusedAndChangesNothing(string factor, string name, string requestId, StatusCode expected)
    {
        var target = UniqueName();
        await First.MultiplyAsync(new MultiplyRequest { Factor = "5", Name = target }).ResponseAsync.DefaultTimeout();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            First.MultiplyAsync(new MultiplyRequest { Factor = factor, Name = name.Length > 0 ? name : target, RequestId = requestId }).ResponseAsync.DefaultTimeout());
        var value = await First.GetAccumulatorAsync(new GetAccumulatorRequest { Name = target }).ResponseAsync.DefaultTimeout();

        Assert.Equal(expected, error.StatusCode);
        Assert.Equal("5", value.Value);
    }

    [Fact]
    public async Task Multiply_NameTooLong_IsInvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            First.MultiplyAsync(new MultiplyRequest { Factor = "2", Name = new string('a', 65) }).ResponseAsync.DefaultTimeout());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }
}
