using Roundabout.Registry.Membership;
using Roundabout.Registry.Tests.Membership;

namespace Roundabout.Registry.Etcd.Tests;

/// <summary>
/// The registry's membership contract on a real etcd. etcd keeps lease time itself, so time here
/// is real: leases use etcd's shortest TTL (2 s), and letting time pass is waiting that long. What
/// etcd does once a lease is past its end (it checks every 500 ms) is polled for, not slept on.
/// </summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class EtcdMembershipBackendConformanceTests(EtcdFixture etcd) : MembershipBackendConformanceTests, IClassFixture<EtcdFixture>
{
    private static readonly TimeSpan _ttl = TimeSpan.FromSeconds(2);

    protected override TimeSpan ExpiryLatency => TimeSpan.FromSeconds(10);

    protected override IMembershipBackend CreateBackend() => etcd.CreateBackend(_ttl);

    /// <summary>Real time passes: the wait is the scenario (a lease left alone this long), not a guess at when something is done.</summary>
    protected override async Task AdvanceAsync(IMembershipBackend backend, TimeSpan duration)
    {
        await Task.Delay(duration);
        await backend.SweepAsync(CancellationToken.None);
    }
}
