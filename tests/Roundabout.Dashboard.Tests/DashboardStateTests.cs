using Microsoft.Extensions.Time.Testing;
using Roundabout.Contracts.Registry.V1;
using Roundabout.Dashboard.State;

namespace Roundabout.Dashboard.Tests;

[Trait(Tier.Name, Tier.Unit)]
public sealed class DashboardStateTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void WatchEvents_JoinAndEvict_ChangeTheMembersAndTheTimeline()
    {
        var state = NewState();
        state.RegistryReachable("localhost:8000");
        state.ReplaceMembers("localhost:8000", 1, [Member("localhost:9001")]);
        state.ApplyChange(ChangeKind.Joined, Member("localhost:9002"), 2);
        _time.Advance(TimeSpan.FromSeconds(3));
        state.ApplyChange(ChangeKind.Evicted, Member("localhost:9001"), 3);

        var snapshot = state.Snapshot();

        Assert.Equal(["localhost:9002"], snapshot.Members.Select(m => m.Address));
        Assert.Equal(3, snapshot.Registry.Revision);
        Assert.Equal(
            [(TimelineKinds.Evicted, "localhost:9001"), (TimelineKinds.Joined, "localhost:9002"), (TimelineKinds.Listed, "localhost:8000")],
            snapshot.Timeline.Select(e => (e.Kind, e.Address)));
        Assert.Equal(_time.GetUtcNow(), snapshot.Timeline[0].At);
    }

    [Fact]
    public void SuspectUpdate_IsNamedSuspectInTheTimeline()
    {
        var state = NewState();
        state.ReplaceMembers("localhost:8000", 1, [Member("localhost:9001")]);
        state.ApplyChange(ChangeKind.Updated, Member("localhost:9001") with { Suspect = true }, 2);

        var snapshot = state.Snapshot();

        Assert.True(Assert.Single(snapshot.Members).Suspect);
        Assert.Equal(TimelineKinds.Suspect, snapshot.Timeline[0].Kind);
    }

    [Fact]
    public void SnapshotAfterReconnect_NamesWhoWentAndWhoCameMeanwhile()
    {
        var state = NewState();
        state.ReplaceMembers("localhost:8000", 1, [Member("localhost:9001"), Member("localhost:9002")]);
        state.ReplaceMembers("localhost:8000", 5, [Member("localhost:9002"), Member("localhost:9003")]);

        var timeline = state.Snapshot().Timeline;

        Assert.Contains(timeline, e => e.Kind == TimelineKinds.Gone && e.Address == "localhost:9001");
        Assert.Contains(timeline, e => e.Kind == TimelineKinds.Appeared && e.Address == "localhost:9003");
        Assert.DoesNotContain(timeline, e => e.Address == "localhost:9002" && e.Kind != TimelineKinds.Listed);
    }

    [Fact]
    public void RegistryLostAndBack_BannerStateAndTwoTimelineEntries()
    {
        var state = NewState();
        state.RegistryReachable("localhost:8000");
        state.RegistryUnreachable("localhost:8000", "Unavailable: connection refused");
        var down = state.Snapshot();
        state.RegistryReachable("localhost:8000");
        var up = state.Snapshot();

        Assert.False(down.Registry.Reachable);
        Assert.Equal("Unavailable: connection refused", down.Registry.Error);
        Assert.True(up.Registry.Reachable);
        Assert.Null(up.Registry.Error);
        Assert.Equal([TimelineKinds.RegistryBack, TimelineKinds.RegistryLost], up.Timeline.Select(e => e.Kind));
    }

    [Fact]
    public void Samples_OfAServerThatLeft_AreForgotten()
    {
        var state = NewState();
        state.ReplaceMembers("localhost:8000", 1, [Member("localhost:9001")]);
        state.SetHealth(new Dictionary<string, HealthView> { ["localhost:9001"] = new(HealthStatus.Serving, 1.5, _time.GetUtcNow(), null) });
        Assert.Equal(HealthStatus.Serving, state.Snapshot().Members[0].Health.Status);

        state.ApplyChange(ChangeKind.Left, Member("localhost:9001"), 2);
        state.ApplyChange(ChangeKind.Joined, Member("localhost:9001"), 3);

        Assert.Equal(HealthStatus.Checking, state.Snapshot().Members[0].Health.Status);
    }

    [Fact]
    public void Timeline_KeepsOnlyTheNewestEntries()
    {
        var state = new DashboardState(new DashboardOptions { TimelineLength = 3 }, _time);
        for (var i = 1; i <= 10; i++)
        {
            state.ApplyChange(ChangeKind.Joined, Member($"localhost:{9000 + i}"), i);
        }

        Assert.Equal(["localhost:9010", "localhost:9009", "localhost:9008"], state.Snapshot().Timeline.Select(e => e.Address));
    }

    [Fact]
    public async Task WaitForChange_CompletesOnTheNextChangeOnly()
    {
        var state = NewState();
        var seen = state.Version;
        var waiting = state.WaitForChangeAsync(seen, CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        state.ApplyChange(ChangeKind.Joined, Member("localhost:9001"), 1);

        await waiting.DefaultTimeout();
        Assert.True(state.WaitForChangeAsync(seen, CancellationToken.None).IsCompleted);
    }

    private DashboardState NewState() => new(new DashboardOptions(), _time);

    private static Member Member(string address) => new(address, new Dictionary<string, string>(), null, null, false);
}
