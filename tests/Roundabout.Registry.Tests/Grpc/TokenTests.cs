using Grpc.Core;
using Roundabout.Contracts.Registry.V1;

namespace Roundabout.Registry.Tests.Grpc;

/// <summary>With a shared token set, writes without it are refused and change nothing; reads stay open.</summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class TokenTests
{
    private const string Token = "s3cret-token";

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    public async Task Register_WithoutTheRightToken_IsUnauthenticatedAndChangesNothing(string? sent)
    {
        await using var registry = await RunningRegistry.StartAsync(new RegistryHostOptions { Token = Token });
        var headers = sent is null ? null : RunningRegistry.Bearer(sent);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            registry.Client.RegisterAsync(new RegisterRequest { Address = "localhost:9001" }, headers).ResponseAsync.DefaultTimeout());

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        var listed = await registry.Client.ListInstancesAsync(new ListInstancesRequest()).ResponseAsync.DefaultTimeout();
        Assert.Equal((0, 0L), (listed.Instances.Count, listed.Revision));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    public async Task RenewAndDeregister_WithoutTheRightToken_AreUnauthenticatedAndKeepTheInstance(string? sent)
    {
        var headers = sent is null ? null : RunningRegistry.Bearer(sent);
        await using var registry = await RunningRegistry.StartAsync(new RegistryHostOptions { Token = Token });
        var lease = await registry.Client.RegisterAsync(new RegisterRequest { Address = "localhost:9001" }, RunningRegistry.Bearer(Token))
            .ResponseAsync.DefaultTimeout();
        var before = await registry.Client.ListInstancesAsync(new ListInstancesRequest()).ResponseAsync.DefaultTimeout();

        var renew = await Assert.ThrowsAsync<RpcException>(() =>
            registry.Client.RenewAsync(new RenewRequest { LeaseId = lease.LeaseId }, headers).ResponseAsync.DefaultTimeout());
        var deregister = await Assert.ThrowsAsync<RpcException>(() =>
            registry.Client.DeregisterAsync(new DeregisterRequest { LeaseId = lease.LeaseId }, headers).ResponseAsync.DefaultTimeout());

        Assert.Equal(StatusCode.Unauthenticated, renew.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, deregister.StatusCode);
        var after = await registry.Client.ListInstancesAsync(new ListInstancesRequest()).ResponseAsync.DefaultTimeout();
        Assert.Equal(before.Revision, after.Revision);
        Assert.Equal(before.Instances, after.Instances);
    }

    [Fact]
    public async Task Writes_WithTheToken_Succeed()
    {
        await using var registry = await RunningRegistry.StartAsync(new RegistryHostOptions { Token = Token });
        var headers = RunningRegistry.Bearer(Token);

        var lease = await registry.Client.RegisterAsync(new RegisterRequest { Address = "localhost:9001" }, headers).ResponseAsync.DefaultTimeout();
        await registry.Client.RenewAsync(new RenewRequest { LeaseId = lease.LeaseId }, headers).ResponseAsync.DefaultTimeout();
        var removed = await registry.Client.DeregisterAsync(new DeregisterRequest { LeaseId = lease.LeaseId }, headers).ResponseAsync.DefaultTimeout();

        Assert.True(removed.Removed);
    }

    [Fact]
    public async Task Deregister_SomeoneElsesLeaseIdGuessed_RemovesNothing()
    {
        await using var registry = await RunningRegistry.StartAsync();
        await registry.Client.RegisterAsync(new RegisterRequest { Address = "localhost:9001" }).ResponseAsync.DefaultTimeout();

        var removed = await registry.Client.DeregisterAsync(new DeregisterRequest { LeaseId = "1" }).ResponseAsync.DefaultTimeout();

        Assert.False(removed.Removed);
        Assert.Single((await registry.Client.ListInstancesAsync(new ListInstancesRequest()).ResponseAsync.DefaultTimeout()).Instances);
    }
}
