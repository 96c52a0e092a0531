using Roundabout.Registry.Membership;

namespace Roundabout.Registry.Tests.Membership;

/// <summary>
/// What every membership backend must do. A backend's test class derives from this one and says
/// how to create a backend and how to let time pass for its leases.
/// </summary>
public abstract class MembershipBackendConformanceTests
{
    private static readonly IReadOnlyDictionary<string, string> _noMetadata = new Dictionary<string, string>();

    /// <summary>A fresh, empty backend.</summary>
    protected abstract IMembershipBackend CreateBackend();

    /// <summary>Lets <paramref name="duration"/> pass for the backend's leases, sweeping as the registry would.</summary>
    protected abstract Task AdvanceAsync(IMembershipBackend backend, TimeSpan duration);

    /// <summary>
    /// How long past a lease's end the backend may take to act on it: zero where time is fake and
    /// the sweep exact (the result must hold at once); a real engine's expiry check otherwise.
    /// </summary>
    protected virtual TimeSpan ExpiryLatency => TimeSpan.Zero;

    /// <summary>Checks <paramref name="condition"/> at once, or polls it for <see cref="ExpiryLatency"/>, sweeping as the registry would.</summary>
    protected async Task SettlesAsync(IMembershipBackend backend, Func<Task<bool>> condition, string what)
    {
        if (ExpiryLatency == TimeSpan.Zero)
        {
            Assert.True(await condition(), what);
            return;
        }

        await Eventually.UntilAsync(
            async () =>
            {
                await backend.SweepAsync(CancellationToken.None);
                return await condition();
            },
            what,
            ExpiryLatency);
    }

    private static string Service() => "svc-" + Guid.NewGuid().ToString("N")[..8];

    private static InstanceRegistration Registration(string service, string address, IReadOnlyDictionary<string, string>? metadata = null) =>
        new(service, address, metadata ?? _noMetadata);

    [Fact]
    public async Task Register_NewAddress_IsListedWithItsMetadata()
    {
        var backend = CreateBackend();
        var service = Service();
        var metadata = new Dictionary<string, string> { ["version"] = "1.2", ["weight"] = "3" };

        var outcome = await backend.RegisterAsync(Registration(service, "localhost:9001", metadata), CancellationToken.None);
        var view = await backend.ListAsync(service, CancellationToken.None);

        Assert.True(outcome.Joined);
        Assert.False(string.IsNullOrEmpty(outcome.LeaseId));
        var instance = Assert.Single(view.Instances);
        Assert.Equal("localhost:9001", instance.Address);
        Assert.Equal(service, instance.Service);
        Assert.Equal(metadata, instance.Metadata);
        Assert.False(instance.Suspect);
    }

    [Fact]
    public async Task ListServices_CountsEachServicesInstances_InNameOrder_AndDropsAServiceLeftEmpty()
    {
        var backend = CreateBackend();
        var first = "a-" + Service();
        var second = "b-" + Service();
        await backend.RegisterAsync(Registration(first, "localhost:9001"), CancellationToken.None);
        await backend.RegisterAsync(Registration(first, "localhost:9002"), CancellationToken.None);
        var lone = await backend.RegisterAsync(Registration(second, "localhost:9003"), CancellationToken.None);

        var services = await backend.ListServicesAsync(CancellationToken.None);
        Assert.Equal([new ServiceCount(first, 2, 0), new ServiceCount(second, 1, 0)], services.Where(s => s.Name == first || s.Name == second));

        await backend.DeregisterAsync(lone.LeaseId, CancellationToken.None);
        var after = await backend.ListServicesAsync(CancellationToken.None);
        Assert.Contains(new ServiceCount(first, 2, 0), after);
        Assert.DoesNotContain(after, s => s.Name == second);
    }

    [Fact]
    public async Task Register_SameAddressAgain_RefreshesOneEntryAndRevokesTheOldLease()
    {
        var backend = CreateBackend();
        var service = Service();

        var first = await backend.RegisterAsync(Registration(service, "localhost:9001"), CancellationToken.None);
        var second = await backend.RegisterAsync(Registration(service, "localhost:9001"), CancellationToken.None);

        Assert.False(second.Joined);
        Assert.NotEqual(first.LeaseId, second.LeaseId);
        Assert.Single((await backend.ListAsync(service, CancellationToken.None)).Instances);
        Assert.Null(await backend.RenewAsync(first.LeaseId, CancellationToken.None));
        Assert.NotNull(await backend.RenewAsync(second.LeaseId, CancellationToken.None));
    }

    [Fact]
    public async Task Register_HundredConcurrentRegistrationsOfOneAddress_GiveOneEntry()
    {
        var backend = CreateBackend();
        var service = Service();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ =>
            Task.Run(async () => await backend.RegisterAsync(Registration(service, "localhost:9001"), CancellationToken.None)))).DefaultTimeout();

        Assert.Single(outcomes, o => o.Joined);
        Assert.Single((await backend.ListAsync(service, CancellationToken.None)).Instances);
    }

    [Fact]
    public async Task Register_TwoServices_AreListedSeparately()
    {
        var backend = CreateBackend();
        var (a, b) = (Service(), Service());

        await backend.RegisterAsync(Registration(a, "localhost:9001"), CancellationToken.None);
        await backend.RegisterAsync(Registration(b, "localhost:9002"), CancellationToken.None);

        Assert.Equal("localhost:9001", Assert.Single((await backend.ListAsync(a, CancellationToken.None)).Instances).Address);
        Assert.Equal("localhost:9002", Assert.Single((await backend.ListAsync(b, CancellationToken.None)).Instances).Address);
        Assert.Empty((await backend.ListAsync(Service(), CancellationToken.None)).Instances);
    }

    [Fact]
    public async Task Renew_UnknownLease_ReturnsNull()
    {
        var backend = CreateBackend();

        Assert.Null(await backend.RenewAsync("0123456789abcdef0123456789abcdef", CancellationToken.None));
    }

    [Fact]
    public async Task Deregister_Lease_RemovesTheInstanceAndForgetsTheLease()
    {
        var backend = CreateBackend();
        var service = Service();
        var lease = (await backend.RegisterAsync(Registration(service, "localhost:9001"), CancellationToken.None)).LeaseId;

        var removed = await backend.DeregisterAsync(lease, CancellationToken.None);

        Assert.Equal("localhost:9001", removed?.Address);
        Assert.Empty((await backend.ListAsync(service, CancellationToken.None)).Instances);
        Assert.Null(await backend.RenewAsync(lease, CancellationToken.None));
        Assert.Null(await backend.DeregisterAsync(lease, CancellationToken.None));
    }

    [Fact]
    public async Task Revision_GrowsByOnePerChange_AndNotForARefreshThatChangesNothing()
    {
        var backend = CreateBackend();
        var service = Service();
        var start = (await backend.ListAsync(service, CancellationToken.None)).Revision;

        var a = await backend.RegisterAsync(Registration(service, "localhost:9001"), CancellationToken.None);
        await backend.RegisterAsync(Registration(service, "localhost:9002"), CancellationToken.None);
        await backend.RegisterAsync(Registration(service, "localhost:9002"), CancellationToken.None);
        await backend.RenewAsync(a.LeaseId, CancellationToken.None);
        await backend.RegisterAsync(Registration(service, "localhost:9002", new Dictionary<string, string> { ["v"] = "2" }), CancellationToken.None);
        await backend.DeregisterAsync(a.LeaseId, CancellationToken.None);

        Assert.Equal(start + 4, (await backend.ListAsync(service, CancellationToken.None)).Revision);
    }

    [Fact]
    public async Task Watch_StartsWithASnapshot_ThenSeesEveryChangeInOrder()
    {
        var backend = CreateBackend();
        var service = Service();
        await backend.RegisterAsync(Registration(service, "localhost:9001"), CancellationToken.None);
        using var stop = new CancellationTokenSource();
        await using var watch = backend.WatchAsync(service, stop.Token).GetAsyncEnumerator(stop.Token);

        var snapshot = Assert.IsType<SnapshotEvent>(await NextAsync(watch));
        await backend.RegisterAsync(Registration(service, "localhost:9002"), CancellationToken.None);
        var b = await backend.RegisterAsync(Registration(service, "localhost:9002", new Dictionary<string, string> { ["v"] = "2" }), CancellationToken.None);
        await backend.DeregisterAsync(b.LeaseId, CancellationToken.None);
        await backend.RegisterAsync(Registration(Service(), "localhost:9003"), CancellationToken.None);
        await backend.RegisterAsync(Registration(service, "localhost:9004"), CancellationToken.None);

        Assert.Equal("localhost:9001", Assert.Single(snapshot.Instances).Address);
        var changes = new List<ChangeEvent>();
        for (var i = 0; i < 4; i++)
        {
            changes.Add(Assert.IsType<ChangeEvent>(await NextAsync(watch)));
        }

        Assert.Equal(
            [(MembershipChangeKind.Joined, "localhost:9002"), (MembershipChangeKind.Updated, "localhost:9002"),
             (MembershipChangeKind.Left, "localhost:9002"), (MembershipChangeKind.Joined, "localhost:9004")],
            changes.Select(c => (c.Kind, c.Instance.Address)));
        Assert.Equal("2", changes[1].Instance.Metadata["v"]);
        Assert.Equal([snapshot.Revision + 1, snapshot.Revision + 2, snapshot.Revision + 3], changes.Take(3).Select(c => c.Revision));

        // The change to another service took one revision that this watch does not see.
        Assert.Equal(snapshot.Revision + 5, changes[3].Revision);
    }

    [Fact]
    public async Task Watch_Reconnecting_StartsAgainFromAFreshSnapshot()
    {
        var backend = CreateBackend();
        var service = Service();
        using var stop = new CancellationTokenSource();
        await using (var first = backend.WatchAsync(service, stop.Token).GetAsyncEnumerator(stop.Token))
        {
            Assert.Empty(Assert.IsType<SnapshotEvent>(await NextAsync(first)).Instances);
        }

        await backend.RegisterAsync(Registration(service, "localhost:9001"), CancellationToken.None);
        await using var second = backend.WatchAsync(service, stop.Token).GetAsyncEnumerator(stop.Token);

        var snapshot = Assert.IsType<SnapshotEvent>(await NextAsync(second));
        Assert.Equal("localhost:9001", Assert.Single(snapshot.Instances).Address);
        Assert.Equal((await backend.ListAsync(service, CancellationToken.None)).Revision, snapshot.Revision);
    }

    [Fact]
    public async Task Lease_RenewedWithinTheTtl_StaysListed()
    {
        var backend = CreateBackend();
        var service = Service();
        var lease = (await backend.RegisterAsync(Registration(service, "localhost:9001"), CancellationToken.None)).LeaseId;

        for (var i = 0; i < 4; i++)
        {
            await AdvanceAsync(backend, backend.Ttl / 2);
            Assert.NotNull(await backend.RenewAsync(lease, CancellationToken.None));
        }

        Assert.Single((await backend.ListAsync(service, CancellationToken.None)).Instances);
    }

    [Fact]
    public async Task Lease_NotRenewed_IsEvictedAndWatchersSeeTheEviction()
    {
        var backend = CreateBackend();
        var service = Service();
        using var stop = new CancellationTokenSource();
        await using var watch = backend.WatchAsync(service, stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.IsType<SnapshotEvent>(await NextAsync(watch));
        var lease = (await backend.RegisterAsync(Registration(service, "localhost:9001"), CancellationToken.None)).LeaseId;

        await AdvanceAsync(backend, backend.Ttl * 1.5);
        await SettlesAsync(backend, async () => (await backend.ListAsync(service, CancellationToken.None)).Instances.Count == 0, "the unrenewed lease is evicted");

        Assert.Null(await backend.RenewAsync(lease, CancellationToken.None));
        Assert.Equal(MembershipChangeKind.Joined, Assert.IsType<ChangeEvent>(await NextAsync(watch)).Kind);
        var evicted = Assert.IsType<ChangeEvent>(await NextAsync(watch));
        Assert.Equal((MembershipChangeKind.Evicted, "localhost:9001"), (evicted.Kind, evicted.Instance.Address));
    }

    protected static async Task<MembershipEvent> NextAsync(IAsyncEnumerator<MembershipEvent> watch)
    {
        Assert.True(await watch.MoveNextAsync().AsTask().DefaultTimeout(), "the watch ended");
        return watch.Current;
    }
}
