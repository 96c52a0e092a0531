using Grpc.Core;
using Roundabout.Contracts;
using Roundabout.Contracts.Calculator.V1;

namespace Roundabout.Server.Tests.Calculation;

[Trait(Tier.Name, Tier.Host)]
public sealed class SumTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await InProcessCluster.StartAsync(servers: 1);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private Calculator.CalculatorClient Client => _cluster.Servers[0].Client;

    [Theory]
    [InlineData("2", "3", "5")]
    [InlineData("-7", "4", "-3")]
    [InlineData(" 10 ", "0", "10")]
    [InlineData("9223372036854775807", "1", "9223372036854775808")]
    public async Task Sum_ValidNumbers_ReturnsExactResultAndNamesTheServer(string a, string b, string expected)
    {
        var reply = await Client.SumAsync(new SumRequest { A = a, B = b }).ResponseAsync.DefaultTimeout();

        Assert.Equal(expected, reply.Result);
        Assert.Equal(_cluster.Servers[0].Address, reply.Server);
    }

    [Theory]
    [InlineData("", "1")]
    [InlineData("abc", "1")]
    [InlineData("1.5", "1")]
    [InlineData("1 2", "1")]
    [InlineData("0x10", "1")]
    [InlineData("1", "one")]
    public async Task Sum_NotAWholeNumber_IsInvalidArgument(string a, string b)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.SumAsync(new SumRequest { A = a, B = b }).ResponseAsync.DefaultTimeout());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        // The message names the field and says what is expected.
        Assert.Matches("^(a|b): ", error.Status.Detail);
        Assert.Matches("whole number|number is required", error.Status.Detail);
    }

    [Fact]
    public async Task Sum_InputOverTheCap_IsOutOfRange()
    {
        var huge = ExactInteger.Format(ExactInteger.Limit);

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.SumAsync(new SumRequest { A = huge, B = "1" }).ResponseAsync.DefaultTimeout());

        Assert.Equal(StatusCode.OutOfRange, error.StatusCode);
    }

    [Fact]
    public async Task Sum_ResultOverTheCap_IsOutOfRange()
    {
        var largest = ExactInteger.Format(ExactInteger.Limit - 1);

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.SumAsync(new SumRequest { A = largest, B = "1" }).ResponseAsync.DefaultTimeout());

        Assert.Equal(StatusCode.OutOfRange, error.StatusCode);
        Assert.Contains("too large", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sum_TextLongerThanAnyAllowedNumber_IsOutOfRange()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.SumAsync(new SumRequest { A = new string('9', 100_000), B = "1" }).ResponseAsync.DefaultTimeout());

        Assert.Equal(StatusCode.OutOfRange, error.StatusCode);
    }
}
