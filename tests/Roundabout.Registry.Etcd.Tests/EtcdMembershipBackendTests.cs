using Roundabout.Registry.Membership;

namespace Roundabout.Registry.Etcd.Tests;

/// <summary>What only etcd needs proving: several registries on one prefix are one registry, and lease ids cannot be forged.</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class EtcdMembershipBackendTests(EtcdFixture etcd) : IClassFixture<EtcdFixture>
{
    private static readonly IReadOnlyDictionary<string, string> _noMetadata = new Dictionary<string, string>();

    [Fact]
    public async Task TwoBackendsOnOnePrefix_ServeOneView_AndEitherRenewsTheOthersLease()
    {
        var prefix = EtcdFixture.UniquePrefix();
        var first = etcd.CreateBackend(TimeSpan.FromSeconds(3), prefix);
        var second = etcd.CreateBackend(TimeSpan.FromSeconds(3), prefix);
        using var stop = new CancellationTokenSource(TaskTimeouts.Default);
        await using var watch = second.WatchAsync("calculator", stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await watch.MoveNextAsync().AsTask().DefaultTimeout());

        var registered = await first.RegisterAsync(new InstanceRegistration("calculator", "localhost:9001", _noMetadata), CancellationToken.None).AsTask().DefaultTimeout();

        Assert.True(await watch.MoveNextAsync().AsTask().DefaultTimeout());
        var joined = Assert.IsType<ChangeEvent>(watch.Current);
        Assert.Equal((MembershipChangeKind.Joined, "localhost:9001", registered.Revision), (joined.Kind, joined.Instance.Address, joined.Revision));
        Assert.Equal("localhost:9001", Assert.Single((await second.ListAsync("calculator", CancellationToken.None)).Instances).Address);
        Assert.NotNull(await second.RenewAsync(registered.LeaseId, CancellationToken.None));
        Assert.Equal("localhost:9001", (await second.DeregisterAsync(registered.LeaseId, CancellationToken.None))?.Address);
        Assert.Empty((await first.ListAsync("calculator", CancellationToken.None)).Instances);
    }

    [Fact]
    public async Task ForgedLeaseId_WithTheRightEtcdLeaseButAnotherSecret_CanNeitherRenewNorDrop()
    {
        var backend = etcd.CreateBackend(TimeSpan.FromSeconds(3));
        var registered = await backend.RegisterAsync(new InstanceRegistration("calculator", "localhost:9001", _noMetadata), CancellationToken.None).AsTask().DefaultTimeout();
        var forged = registered.LeaseId[..17] + new string('0', 32);

        Assert.Null(await backend.RenewAsync(forged, CancellationToken.None));
        Assert.Null(await backend.DeregisterAsync(forged, CancellationToken.None));
        Assert.Null(await backend.RenewAsync("not-a-lease", CancellationToken.None));
        Assert.Single((await backend.ListAsync("calculator", CancellationToken.None)).Instances);
        Assert.NotNull(await backend.RenewAsync(registered.LeaseId, CancellationToken.None));
    }
}
