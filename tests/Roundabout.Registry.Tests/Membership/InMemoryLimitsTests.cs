using Microsoft.Extensions.Time.Testing;
using Roundabout.Registry.Membership;

namespace Roundabout.Registry.Tests.Membership;

[Trait(Tier.Name, Tier.Unit)]
public sealed class InMemoryLimitsTests
{
    private static readonly IReadOnlyDictionary<string, string> _none = new Dictionary<string, string>();

    [Fact]
    public async Task Watch_WatcherFallsBehind_GetsTheBufferedChangesThenAFreshSnapshotNotAGap()
    {
        var backend = new InMemoryMembershipBackend(new MembershipOptions { WatchBufferCapacity = 4 }, new FakeTimeProvider());
        using var stop = new CancellationTokenSource();
        await using var watch = backend.WatchAsync("svc", stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await watch.MoveNextAsync().AsTask().DefaultTimeout());
        var start = watch.Current.Revision;

        for (var port = 9001; port <= 9010; port++)
        {
            await backend.RegisterAsync(new InstanceRegistration("svc", $"localhost:{port}", _none), CancellationToken.None);
        }

        var seen = new List<MembershipEvent>();
        for (var i = 0; i < 5; i++)
        {
            Assert.True(await watch.MoveNextAsync().AsTask().DefaultTimeout());
            seen.Add(watch.Current);
        }

        await backend.RegisterAsync(new InstanceRegistration("svc", "localhost:9011", _none), CancellationToken.None);
        Assert.True(await watch.MoveNextAsync().AsTask().DefaultTimeout());
        var after = Assert.IsType<ChangeEvent>(watch.Current);

        Assert.Equal(Enumerable.Range(1, 4).Select(i => start + i), seen.Take(4).Select(e => Assert.IsType<ChangeEvent>(e).Revision));
        var snapshot = Assert.IsType<SnapshotEvent>(seen[4]);
        Assert.Equal(start + 10, snapshot.Revision);
        Assert.Equal(10, snapshot.Instances.Count);
        Assert.Equal((start + 11, "localhost:9011"), (after.Revision, after.Instance.Address));
    }

    [Fact]
    public async Task Register_BeyondMaxInstances_IsRefusedAndRefreshStillWorks()
    {
        var backend = new InMemoryMembershipBackend(new MembershipOptions { MaxInstances = 2 }, new FakeTimeProvider());
        await backend.RegisterAsync(new InstanceRegistration("a", "localhost:9001", _none), CancellationToken.None);
        await backend.RegisterAsync(new InstanceRegistration("b", "localhost:9002", _none), CancellationToken.None);

        await Assert.ThrowsAsync<MembershipLimitException>(async () =>
            await backend.RegisterAsync(new InstanceRegistration("a", "localhost:9003", _none), CancellationToken.None));
        var refresh = await backend.RegisterAsync(new InstanceRegistration("a", "localhost:9001", _none), CancellationToken.None);

        Assert.False(refresh.Joined);
        Assert.Empty((await backend.ListAsync("c", CancellationToken.None)).Instances);
    }

    [Fact]
    public async Task Watch_BeyondMaxWatchers_IsRefusedUntilOneCloses()
    {
        var backend = new InMemoryMembershipBackend(new MembershipOptions { MaxWatchers = 1 }, new FakeTimeProvider());
        using var stop = new CancellationTokenSource();
        var first = backend.WatchAsync("svc", stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await first.MoveNextAsync().AsTask().DefaultTimeout());

        await using (var second = backend.WatchAsync("svc", stop.Token).GetAsyncEnumerator(stop.Token))
        {
            await Assert.ThrowsAsync<MembershipLimitException>(async () => await second.MoveNextAsync());
        }

        await first.DisposeAsync();
        await using var third = backend.WatchAsync("svc", stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await third.MoveNextAsync().AsTask().DefaultTimeout());
    }
}
