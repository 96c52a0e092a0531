using Roundabout.Registry.Membership;
using Roundabout.Registry.Tests.Membership;

namespace Roundabout.Scale.Tests.Registry;

/// <summary>
/// The registry's membership contract on a real etcd. etcd keeps lease time itself, so time here
/// is real: leases use etcd's shortest TTL (2 s), and letting time pass past a TTL waits one more
/// second, the granularity of etcd's expiry checks (every 500 ms) with room to spare.
/// </summary>
public sealed class EtcdMembershipBackendConformanceTests(EtcdFixture etcd) : MembershipBackendConformanceTests, IClassFixture<EtcdFixture>
{
    private static readonly TimeSpan _ttl = TimeSpan.FromSeconds(2);

    protected override IMembershipBackend CreateBackend() => etcd.CreateBackend(_ttl);

    protected override async Task AdvanceAsync(IMembershipBackend backend, TimeSpan duration)
    {
        var extra = duration >= backend.Ttl ? TimeSpan.FromSeconds(1) : TimeSpan.Zero;
        await Task.Delay(duration + extra);
        await backend.SweepAsync(CancellationToken.None);
    }
}
