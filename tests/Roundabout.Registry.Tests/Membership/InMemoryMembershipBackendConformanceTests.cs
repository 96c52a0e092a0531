using Microsoft.Extensions.Time.Testing;
using Roundabout.Registry.Membership;

namespace Roundabout.Registry.Tests.Membership;

[Trait(Tier.Name, Tier.Unit)]
public sealed class InMemoryMembershipBackendConformanceTests : MembershipBackendConformanceTests
{
    private readonly FakeTimeProvider _time = new();

    protected override IMembershipBackend CreateBackend() => new InMemoryMembershipBackend(new MembershipOptions(), _time);

    protected override async Task AdvanceAsync(IMembershipBackend backend, TimeSpan duration) =>
        await FakeClock.AdvanceAndSweepAsync(_time, backend, duration);
}
