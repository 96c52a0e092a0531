using Microsoft.Extensions.Time.Testing;
using Roundabout.Registry.Membership;

namespace Roundabout.Registry.Tests.Membership;

/// <summary>The eviction guard and lease expiry of the in-memory backend, on fake time.</summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed class EvictionGuardTests
{
    private static readonly TimeSpan _ttl = TimeSpan.FromSeconds(3);
    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryMembershipBackend _backend;

    public EvictionGuardTests()
    {
        _backend = new InMemoryMembershipBackend(
            new MembershipOptions { Ttl = _ttl, RenewInterval = _ttl / 3, SuspectGrace = _ttl, PauseThreshold = _ttl }, _time);
    }

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(2, 4, false)]
    [InlineData(2, 3, true)]
    [InlineData(2, 2, true)]
    [InlineData(5, 9, true)]
    [InlineData(4, 9, false)]
    public void ShouldHold_MoreThanHalfAndAtLeastTwo(int expiring, int total, bool hold) =>
        Assert.Equal(hold, EvictionGuard.ShouldHold(expiring, total));

    [Fact]
    public async Task Sweep_LoneServerStopsRenewing_IsEvictedAfterOneTtl()
    {
        await RegisterAsync("localhost:9001");

        await AdvanceAsync(_ttl - FakeClock.Step);
        Assert.Single(await ListAsync());
        var reports = await AdvanceAsync(FakeClock.Step);

        Assert.Empty(await ListAsync());
        Assert.Equal("localhost:9001", Assert.Single(reports.SelectMany(r => r.Evicted)).Address);
    }

    [Fact]
    public async Task Sweep_HalfOfTheServersStopRenewing_EvictsThem()
    {
        var leases = await RegisterAsync("localhost:9001", "localhost:9002", "localhost:9003", "localhost:9004");

        var reports = await AdvanceRenewingAsync(_ttl * 1.5, leases[2], leases[3]);

        Assert.Equal(["localhost:9001", "localhost:9002"], reports.SelectMany(r => r.Evicted).Select(i => i.Address).Order());
        Assert.Empty(reports.SelectMany(r => r.Held));
        Assert.Equal(["localhost:9003", "localhost:9004"], (await ListAsync()).Select(i => i.Address));
    }

    [Fact]
    public async Task Sweep_MoreThanHalfStopRenewing_KeepsThemAsSuspectAndLogsOneHeldGroup()
    {
        var leases = await RegisterAsync("localhost:9001", "localhost:9002", "localhost:9003");

        var reports = await AdvanceRenewingAsync(_ttl + FakeClock.Step, leases[2]);

        Assert.Empty(reports.SelectMany(r => r.Evicted));
        var held = Assert.Single(reports.SelectMany(r => r.Held));
        Assert.Equal((2, 3), (held.Instances.Count, held.Total));
        var listed = await ListAsync();
        Assert.Equal(3, listed.Count);
        Assert.Equal([true, true, false], listed.Select(i => i.Suspect));
    }

    [Fact]
    public async Task Sweep_CorrelatedFailureWhoseLeasesExpireInDifferentSweeps_IsStillHeld()
    {
        var live = (await RegisterAsync("localhost:9001"))[0];
        await RegisterAsync("localhost:9002");
        await AdvanceRenewingAsync(TimeSpan.FromMilliseconds(500), live);
        await RegisterAsync("localhost:9003");

        var reports = await AdvanceRenewingAsync(_ttl + FakeClock.Step, live);

        Assert.Empty(reports.SelectMany(r => r.Evicted));
        Assert.Equal(2, reports.SelectMany(r => r.Held).Count());
        Assert.Equal([false, true, true], (await ListAsync()).Select(i => i.Suspect));
    }

    [Fact]
    public async Task Sweep_UnrelatedFailuresFarApart_AreEachEvictedWithinTheTtl()
    {
        var leases = await RegisterAsync("localhost:9001", "localhost:9002", "localhost:9003");

        var first = await AdvanceRenewingAsync(_ttl + FakeClock.Step, leases[1], leases[2]);
        var second = await AdvanceRenewingAsync(_ttl + FakeClock.Step, leases[2]);

        Assert.Equal("localhost:9001", Assert.Single(first.SelectMany(r => r.Evicted)).Address);
        Assert.Equal("localhost:9002", Assert.Single(second.SelectMany(r => r.Evicted)).Address);
        Assert.Empty(first.Concat(second).SelectMany(r => r.Held));
    }

    [Fact]
    public async Task Sweep_SuspectsThatStillDoNotRenew_AreEvictedOneTtlLater()
    {
        var leases = await RegisterAsync("localhost:9001", "localhost:9002", "localhost:9003");
        await AdvanceRenewingAsync(_ttl + FakeClock.Step, leases[2]);

        var before = await AdvanceRenewingAsync(_ttl - (FakeClock.Step * 2), leases[2]);
        Assert.Empty(before.SelectMany(r => r.Evicted));
        var after = await AdvanceRenewingAsync(FakeClock.Step * 2, leases[2]);

        Assert.Equal(["localhost:9001", "localhost:9002"], after.SelectMany(r => r.Evicted).Select(i => i.Address).Order());
        Assert.Equal("localhost:9003", Assert.Single(await ListAsync()).Address);
    }

    [Fact]
    public async Task Renew_SuspectInstance_ClearsTheSuspicionAndKeepsIt()
    {
        var leases = await RegisterAsync("localhost:9001", "localhost:9002");
        await AdvanceAsync(_ttl + FakeClock.Step);
        Assert.All(await ListAsync(), i => Assert.True(i.Suspect));

        var renewed = await _backend.RenewAsync(leases[0], CancellationToken.None);
        var reports = await AdvanceRenewingAsync(_ttl * 2, leases[0]);

        Assert.True(renewed?.Recovered);
        Assert.Equal("localhost:9002", Assert.Single(reports.SelectMany(r => r.Evicted)).Address);
        var left = Assert.Single(await ListAsync());
        Assert.Equal("localhost:9001", left.Address);
        Assert.False(left.Suspect);
    }

    [Fact]
    public async Task Sweep_AfterTheRegistryWasPaused_HoldsEvenALoneServerUntilItRenews()
    {
        var lease = (await RegisterAsync("localhost:9001"))[0];
        await _backend.SweepAsync(CancellationToken.None);

        _time.Advance(_ttl * 2);
        var report = await _backend.SweepAsync(CancellationToken.None);

        Assert.True(report.Paused);
        Assert.Empty(report.Evicted);
        Assert.True(Assert.Single(await ListAsync()).Suspect);
        Assert.True((await _backend.RenewAsync(lease, CancellationToken.None))?.Recovered);
        Assert.False(Assert.Single(await ListAsync()).Suspect);
    }

    /// <summary>
    /// A stall of the registry shorter than the pause threshold (one TTL), beginning just before a
    /// renewal arrives: the lone lease has been silent for a renew interval plus the stall, up to
    /// more than its TTL, yet only because the registry could not handle its renewal. The part of
    /// the gap beyond one renew interval is not counted against it: it stays, and is not suspect.
    /// </summary>
    [Theory]
    [InlineData(1500)]
    [InlineData(2500)]
    [InlineData(3000)]
    public async Task Sweep_StallUpToOneTtlBeforeARenewal_KeepsALoneHealthyLease(int stallMs)
    {
        var (lease, report) = await StallJustBeforeARenewalAsync(TimeSpan.FromMilliseconds(stallMs));

        Assert.False(report.Paused);
        Assert.Empty(report.Evicted);
        Assert.False(Assert.Single(await ListAsync()).Suspect);
        Assert.NotNull(await _backend.RenewAsync(lease, CancellationToken.None));
    }

    /// <summary>The stall's credit does not keep a dead lease: silent before, during and after it, it is evicted within a TTL after the stall.</summary>
    [Theory]
    [InlineData(1500)]
    [InlineData(3000)]
    public async Task Sweep_StallUpToOneTtl_ADeadLeaseIsStillEvictedWithinATtlAfterIt(int stallMs)
    {
        var (lease, report) = await StallJustBeforeARenewalAsync(TimeSpan.FromMilliseconds(stallMs));
        var reports = new List<SweepReport> { report };

        reports.AddRange(await AdvanceAsync(_ttl));

        Assert.Equal("localhost:9001", Assert.Single(reports.SelectMany(r => r.Evicted)).Address);
        Assert.Empty(await ListAsync());
        Assert.Null(await _backend.RenewAsync(lease, CancellationToken.None));
    }

    /// <summary>A gap of more than one TTL is a pause, not a stall: the expiring lone lease is held as suspect, as before.</summary>
    [Fact]
    public async Task Sweep_StallLongerThanOneTtlBeforeARenewal_IsAPauseAndHoldsTheLease()
    {
        var (_, report) = await StallJustBeforeARenewalAsync(_ttl + TimeSpan.FromMilliseconds(100));

        Assert.True(report.Paused);
        Assert.Empty(report.Evicted);
        Assert.True(Assert.Single(await ListAsync()).Suspect);
    }

    [Fact]
    public async Task Sweep_MarkingSuspectsAndEvicting_EachCountAsOneRevisionAndReachWatchers()
    {
        await RegisterAsync("localhost:9001", "localhost:9002");
        using var stop = new CancellationTokenSource();
        await using var watch = _backend.WatchAsync("svc", stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await watch.MoveNextAsync().AsTask().DefaultTimeout());
        var start = watch.Current.Revision;

        await AdvanceAsync(_ttl * 2 + FakeClock.Step);

        var seen = new List<ChangeEvent>();
        for (var i = 0; i < 4; i++)
        {
            Assert.True(await watch.MoveNextAsync().AsTask().DefaultTimeout());
            seen.Add(Assert.IsType<ChangeEvent>(watch.Current));
        }

        Assert.Equal(
            [MembershipChangeKind.Updated, MembershipChangeKind.Updated, MembershipChangeKind.Evicted, MembershipChangeKind.Evicted],
            seen.Select(c => c.Kind));
        Assert.True(seen[0].Instance.Suspect);
        Assert.Equal(Enumerable.Range(1, 4).Select(i => start + i), seen.Select(c => c.Revision));
    }

    [Fact]
    public async Task Register_SuspectAddressAgain_ClearsTheSuspicion()
    {
        await RegisterAsync("localhost:9001", "localhost:9002");
        await AdvanceAsync(_ttl + FakeClock.Step);

        await RegisterAsync("localhost:9001");

        Assert.Equal([false, true], (await ListAsync()).Select(i => i.Suspect));
    }

    [Fact]
    public async Task Renew_UpdatesLastRenewedAtButNotRegisteredAt()
    {
        var registeredAt = _time.GetUtcNow();
        var lease = (await RegisterAsync("localhost:9001"))[0];
        _time.Advance(TimeSpan.FromSeconds(1));

        await _backend.RenewAsync(lease, CancellationToken.None);

        var instance = Assert.Single(await ListAsync());
        Assert.Equal(registeredAt, instance.RegisteredAt);
        Assert.Equal(registeredAt.AddSeconds(1), instance.LastRenewedAt);
    }

    private async Task<string[]> RegisterAsync(params string[] addresses)
    {
        var leases = new List<string>();
        foreach (var address in addresses)
        {
            var outcome = await _backend.RegisterAsync(new InstanceRegistration("svc", address, new Dictionary<string, string>()), CancellationToken.None);
            leases.Add(outcome.LeaseId);
        }

        return [.. leases];
    }

    /// <summary>
    /// A lone lease, renewed, then silent for one step less than a renew interval; then the
    /// registry stalls (no sweep, no renewal handled) for <paramref name="stall"/>, just before the
    /// next renewal would have come, and sweeps once.
    /// </summary>
    private async Task<(string Lease, SweepReport Report)> StallJustBeforeARenewalAsync(TimeSpan stall)
    {
        var lease = (await RegisterAsync("localhost:9001"))[0];
        await _backend.SweepAsync(CancellationToken.None);
        await _backend.RenewAsync(lease, CancellationToken.None);
        await AdvanceAsync((_ttl / 3) - FakeClock.Step);
        _time.Advance(stall);
        return (lease, await _backend.SweepAsync(CancellationToken.None));
    }

    private async Task<IReadOnlyList<MemberInstance>> ListAsync() => (await _backend.ListAsync("svc", CancellationToken.None)).Instances;

    private Task<List<SweepReport>> AdvanceAsync(TimeSpan duration) => FakeClock.AdvanceAndSweepAsync(_time, _backend, duration);

    /// <summary>Advances in steps, renewing the given leases every step, as live servers would.</summary>
    private async Task<List<SweepReport>> AdvanceRenewingAsync(TimeSpan duration, params string[] renewing)
    {
        var reports = new List<SweepReport>();
        for (var left = duration; left > TimeSpan.Zero; left -= FakeClock.Step)
        {
            foreach (var lease in renewing)
            {
                Assert.NotNull(await _backend.RenewAsync(lease, CancellationToken.None));
            }

            reports.AddRange(await FakeClock.AdvanceAndSweepAsync(_time, _backend, left < FakeClock.Step ? left : FakeClock.Step));
        }

        return reports;
    }
}
