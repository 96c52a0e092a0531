using Grpc.Core;
using Roundabout.Contracts.Calculator.V1;

namespace Roundabout.Server.Tests.Calculation;

/// <summary>With a token, Reset is a write like the registry's: without the token it is refused and changes nothing; the other calls stay open.</summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class ResetTokenTests : IAsyncLifetime
{
    private const string Token = "cluster-s3cret";

    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await InProcessCluster.StartAsync(servers: 1, token: Token);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private Calculator.CalculatorClient Server => _cluster.Servers[0].Client;

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    public async Task ResetAccumulator_WithoutTheToken_IsUnauthenticatedAndChangesNothing(string? sent)
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..12];
        await Server.MultiplyAsync(new MultiplyRequest { Name = name, Factor = "6" }).ResponseAsync.DefaultTimeout();
        var headers = sent is null ? null : new Metadata { { "authorization", $"Bearer {sent}" } };

        var error = await Assert.ThrowsAsync<RpcException>(() => Server.ResetAccumulatorAsync(new ResetAccumulatorRequest { Name = name }, headers).ResponseAsync.DefaultTimeout());
        var after = await Server.GetAccumulatorAsync(new GetAccumulatorRequest { Name = name }).ResponseAsync.DefaultTimeout();

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("ResetAccumulator needs this server's token", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("6", after.Value);
    }

    [Fact]
    public async Task ResetAccumulator_WithTheToken_Resets()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..12];
        await Server.MultiplyAsync(new MultiplyRequest { Name = name, Factor = "6" }).ResponseAsync.DefaultTimeout();

        var reset = await Server.ResetAccumulatorAsync(new ResetAccumulatorRequest { Name = name }, new Metadata { { "authorization", $"Bearer {Token}" } }).ResponseAsync.DefaultTimeout();
        var after = await Server.GetAccumulatorAsync(new GetAccumulatorRequest { Name = name }).ResponseAsync.DefaultTimeout();

        Assert.Equal(("1", "1"), (reset.Value, after.Value));
    }

    [Fact]
    public async Task ClientResetAsync_WithTheTokenInItsOptions_Resets_AndWithoutItIsRefused()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..12];
        await Server.MultiplyAsync(new MultiplyRequest { Name = name, Factor = "6" }).ResponseAsync.DefaultTimeout();
        var withToken = _cluster.CreateClient(options => options.Token = Token);
        var without = _cluster.CreateClient();

        var refused = await Assert.ThrowsAsync<RpcException>(() => without.ResetAsync(name).DefaultTimeout());
        var reset = await withToken.ResetAsync(name).DefaultTimeout();

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Equal("1", reset.Value);
    }

    [Fact]
    public async Task SumMultiplyAndGetAccumulator_WithATokenSet_StayOpenWithoutOne()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..12];

        var sum = await Server.SumAsync(new SumRequest { A = "2", B = "3" }).ResponseAsync.DefaultTimeout();
        var product = await Server.MultiplyAsync(new MultiplyRequest { Name = name, Factor = "7" }).ResponseAsync.DefaultTimeout();
        var read = await Server.GetAccumulatorAsync(new GetAccumulatorRequest { Name = name }).ResponseAsync.DefaultTimeout();

        Assert.Equal(("5", "7", "7"), (sum.Result, product.Result, read.Value));
    }
}
