using Grpc.Core;
using Roundabout.Contracts.Registry.V1;

namespace Roundabout.Registry.Tests.Grpc;

[Trait(Tier.Name, Tier.Host)]
public sealed class WatchTests
{
    [Fact]
    public async Task Watch_SeesJoinLeaveAndEvictionInOrder()
    {
        // The default TTL (3 s): long enough that the first lease is deregistered, not expired, even on a loaded machine.
        await using var registry = await RunningRegistry.StartAsync();
        using var watch = registry.Client.Watch(new WatchRequest());
        var snapshot = await NextAsync(watch);

        var b = await registry.Client.RegisterAsync(new RegisterRequest { Address = "localhost:9002" }).ResponseAsync.DefaultTimeout();
        await registry.Client.DeregisterAsync(new DeregisterRequest { LeaseId = b.LeaseId }).ResponseAsync.DefaultTimeout();

        // Registered and never renewed: evicted one TTL later.
        await registry.Client.RegisterAsync(new RegisterRequest { Address = "localhost:9001" }).ResponseAsync.DefaultTimeout();

        var changes = new List<WatchEvent>();
        do
        {
            changes.Add(await NextAsync(watch));
        }
        while (changes[^1].Change.Kind != ChangeKind.Evicted);

        Assert.Equal(WatchEvent.EventOneofCase.Snapshot, snapshot.EventCase);
        Assert.Empty(snapshot.Snapshot.Instances);

        // A registry starved of CPU on a loaded machine may first hold the lease as suspect (UPDATED).
        Assert.Equal(
            [(ChangeKind.Joined, "localhost:9002"), (ChangeKind.Left, "localhost:9002"), (ChangeKind.Joined, "localhost:9001"), (ChangeKind.Evicted, "localhost:9001")],
            changes.Where(c => c.Change.Kind != ChangeKind.Updated).Select(c => (c.Change.Kind, c.Change.Instance.Address)));
        Assert.Equal(Enumerable.Range(1, changes.Count).Select(i => snapshot.Revision + i), changes.Select(c => c.Revision));
    }

    [Fact]
    public async Task Watch_SlowWatcher_GetsAFreshSnapshotInsteadOfAGap()
    {
        // 200 registrations from this one client: more than the registration rate limit lets through by default.
        await using var registry = await RunningRegistry.StartAsync(new RegistryHostOptions { WatchBufferCapacity = 4, RegistrationBurst = 1_000 });
        using var watch = registry.Client.Watch(new WatchRequest());
        var first = await NextAsync(watch);

        // Large updates that the watcher does not read fill the stream's transport buffers, then
        // the watcher's own small buffer overflows.
        const int Updates = 200;
        for (var i = 0; i < Updates; i++)
        {
            var request = new RegisterRequest { Address = "localhost:9001" };
            for (var k = 0; k < 16; k++)
            {
                request.Metadata[$"k{k}"] = $"{i}-{new string('x', 240)}";
            }

            await registry.Client.RegisterAsync(request).ResponseAsync.DefaultTimeout();
        }

        var final = await registry.Client.ListInstancesAsync(new ListInstancesRequest()).ResponseAsync.DefaultTimeout();
        var events = new List<WatchEvent>();
        WatchEvent last;
        do
        {
            last = await NextAsync(watch);
            events.Add(last);
        }
        while (last.Revision < final.Revision);

        Assert.Equal(final.Revision, last.Revision);
        var resync = events.FindIndex(e => e.EventCase == WatchEvent.EventOneofCase.Snapshot);
        Assert.True(resync >= 0, "the slow watcher never got a fresh snapshot");
        Assert.True(events.Count < Updates, $"the watcher received all {events.Count} changes; it was never slow");

        // Up to the resync, every change is there with no gap; the snapshot then holds the present.
        var revision = first.Revision;
        foreach (var change in events.Take(resync))
        {
            Assert.Equal(revision + 1, change.Revision);
            revision = change.Revision;
        }

        Assert.True(events[resync].Revision > revision);
        Assert.Equal($"{Updates - 1}-", Assert.Single(final.Instances).Metadata["k0"][..4]);
        var current = events.Last(e => e.EventCase == WatchEvent.EventOneofCase.Snapshot);
        Assert.True(current.Snapshot.Instances.Count == 1);
    }

    [Fact]
    public async Task Watch_Reconnecting_StartsFromAFreshSnapshot()
    {
        await using var registry = await RunningRegistry.StartAsync();
        using (var first = registry.Client.Watch(new WatchRequest()))
        {
            Assert.Empty((await NextAsync(first)).Snapshot.Instances);
        }

        await registry.Client.RegisterAsync(new RegisterRequest { Address = "localhost:9001" }).ResponseAsync.DefaultTimeout();
        using var second = registry.Client.Watch(new WatchRequest());

        var snapshot = await NextAsync(second);
        Assert.Equal("localhost:9001", Assert.Single(snapshot.Snapshot.Instances).Address);
    }

    [Fact]
    public async Task Watch_OtherService_SeesOnlyItsOwnInstances()
    {
        await using var registry = await RunningRegistry.StartAsync();
        using var watch = registry.Client.Watch(new WatchRequest { Service = "db" });
        await NextAsync(watch);

        await registry.Client.RegisterAsync(new RegisterRequest { Address = "localhost:9001" }).ResponseAsync.DefaultTimeout();
        await registry.Client.RegisterAsync(new RegisterRequest { Service = "db", Address = "localhost:9101" }).ResponseAsync.DefaultTimeout();

        var change = await NextAsync(watch);
        Assert.Equal(("db", "localhost:9101"), (change.Change.Instance.Service, change.Change.Instance.Address));
    }

    private static async Task<WatchEvent> NextAsync(AsyncServerStreamingCall<WatchEvent> watch)
    {
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout(), "the watch ended");
        return watch.ResponseStream.Current;
    }
}
