using Grpc.Core;
using Roundabout.Contracts.Registry.V1;

namespace Roundabout.Registry.Tests.Grpc;

/// <summary>The registry over real sockets: a host on 127.0.0.1 with a free port.</summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class RegistryServiceTests
{
    [Fact]
    public async Task Register_List_Deregister_RoundTrip()
    {
        await using var registry = await RunningRegistry.StartAsync();
        var request = new RegisterRequest { Address = "localhost:9001", Metadata = { ["version"] = "1" } };

        var lease = await registry.Client.RegisterAsync(request).ResponseAsync.DefaultTimeout();
        var listed = await registry.Client.ListInstancesAsync(new ListInstancesRequest()).ResponseAsync.DefaultTimeout();
        var removed = await registry.Client.DeregisterAsync(new DeregisterRequest { LeaseId = lease.LeaseId }).ResponseAsync.DefaultTimeout();
        var after = await registry.Client.ListInstancesAsync(new ListInstancesRequest { Service = "calculator" }).ResponseAsync.DefaultTimeout();

        Assert.Equal(TimeSpan.FromSeconds(3), lease.Ttl.ToTimeSpan());
        Assert.Equal(TimeSpan.FromSeconds(1), lease.RenewInterval.ToTimeSpan());
        var instance = Assert.Single(listed.Instances);
        Assert.Equal(("calculator", "localhost:9001", "1"), (instance.Service, instance.Address, instance.Metadata["version"]));
        Assert.True(removed.Removed);
        Assert.Empty(after.Instances);
        Assert.Equal(listed.Revision + 1, after.Revision);
    }

    [Fact]
    public async Task Register_SameAddressTwiceSpelledDifferently_IsListedOnce()
    {
        await using var registry = await RunningRegistry.StartAsync();

        await registry.Client.RegisterAsync(new RegisterRequest { Address = "localhost:9001" }).ResponseAsync.DefaultTimeout();
        await registry.Client.RegisterAsync(new RegisterRequest { Address = "LOCALHOST:9001" }).ResponseAsync.DefaultTimeout();

        var listed = await registry.Client.ListInstancesAsync(new ListInstancesRequest()).ResponseAsync.DefaultTimeout();
        Assert.Equal("localhost:9001", Assert.Single(listed.Instances).Address);
    }

    [Fact]
    public async Task Register_HundredConcurrentRegistrationsOfOneAddress_GiveOneEntry()
    {
        await using var registry = await RunningRegistry.StartAsync();

        var leases = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ =>
            registry.Client.RegisterAsync(new RegisterRequest { Address = "localhost:9001" }).ResponseAsync)).DefaultTimeout();

        var listed = await registry.Client.ListInstancesAsync(new ListInstancesRequest()).ResponseAsync.DefaultTimeout();
        Assert.Single(listed.Instances);
        Assert.Equal(100, leases.Select(l => l.LeaseId).Distinct().Count());
    }

    [Theory]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("localhost:0")]
    [InlineData("localhost:70000")]
    [InlineData("bad host:9001")]
    public async Task Register_InvalidAddress_IsInvalidArgumentAndChangesNothing(string address)
    {
        await using var registry = await RunningRegistry.StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            registry.Client.RegisterAsync(new RegisterRequest { Address = address }).ResponseAsync.DefaultTimeout());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("address", error.Status.Detail, StringComparison.Ordinal);
        var listed = await registry.Client.ListInstancesAsync(new ListInstancesRequest()).ResponseAsync.DefaultTimeout();
        Assert.Equal((0, 0L), (listed.Instances.Count, listed.Revision));
    }

    [Fact]
    public async Task Register_TooMuchMetadata_IsInvalidArgument()
    {
        await using var registry = await RunningRegistry.StartAsync();
        var request = new RegisterRequest { Address = "localhost:9001" };
        for (var i = 0; i < 17; i++)
        {
            request.Metadata[$"k{i}"] = "v";
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => registry.Client.RegisterAsync(request).ResponseAsync.DefaultTimeout());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task Register_OversizedMessage_IsRefused()
    {
        await using var registry = await RunningRegistry.StartAsync();
        var request = new RegisterRequest { Address = "localhost:9001", Metadata = { ["k"] = new string('x', 100_000) } };

        var error = await Assert.ThrowsAsync<RpcException>(() => registry.Client.RegisterAsync(request).ResponseAsync.DefaultTimeout());

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Renew_UnknownLease_IsNotFoundSayingRegisterAgain()
    {
        await using var registry = await RunningRegistry.StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            registry.Client.RenewAsync(new RenewRequest { LeaseId = "00000000000000000000000000000000" }).ResponseAsync.DefaultTimeout());

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("register again", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Renew_KnownLease_ReturnsTheTtl()
    {
        await using var registry = await RunningRegistry.StartAsync();
        var lease = await registry.Client.RegisterAsync(new RegisterRequest { Address = "localhost:9001" }).ResponseAsync.DefaultTimeout();

        var renewed = await registry.Client.RenewAsync(new RenewRequest { LeaseId = lease.LeaseId }).ResponseAsync.DefaultTimeout();

        Assert.Equal(TimeSpan.FromSeconds(3), renewed.Ttl.ToTimeSpan());
    }
}
