using Microsoft.Extensions.Time.Testing;
using Roundabout.Dashboard.Accumulators;
using Roundabout.Dashboard.History;
using Roundabout.Dashboard.State;

namespace Roundabout.Dashboard.Tests;

[Trait(Tier.Name, Tier.Unit)]
public sealed class HistoryStoreTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero));

    private static readonly DashboardOptions _options = new() { SampleInterval = TimeSpan.FromSeconds(1), HistoryWindow = TimeSpan.FromMinutes(5), MaxHistoryServers = 3 };

    [Fact]
    public void Record_PastTheWindow_KeepsOnlyTheLastFiveMinutesOfPoints()
    {
        var (state, store) = New();
        state.ReplaceMembers("localhost:8000", 1, [Member("localhost:9001")]);

        for (var i = 0; i < 400; i++)
        {
            state.SetTraffic(new Dictionary<string, TrafficView> { ["localhost:9001"] = Traffic(rate: i, p99: 1) });
            store.Record(state.Snapshot());
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var points = store.View().Servers["localhost:9001"];
        Assert.Equal(300, points.Count);
        Assert.Equal(100, points[0].RequestsPerSecond);
        Assert.Equal(399, points[^1].RequestsPerSecond);
        Assert.Equal(_time.GetUtcNow() - TimeSpan.FromSeconds(1), points[^1].At);
        Assert.Equal(300, store.View().System.Count);
    }

    [Fact]
    public void Record_MoreServersThanTheLimit_KeepsHistoryForTheLimitOnly()
    {
        var (state, store) = New();
        state.ReplaceMembers("localhost:8000", 1, Enumerable.Range(9001, 5).Select(p => Member($"localhost:{p}")));

        var sample = store.Record(state.Snapshot());

        Assert.Equal(3, sample.Servers.Count);
        Assert.Equal(3, store.View().Servers.Count);
    }

    [Fact]
    public void Record_ServerLeft_DropsItsHistory_AndFreesItsSlot()
    {
        var (state, store) = New();
        state.ReplaceMembers("localhost:8000", 1, [Member("localhost:9001"), Member("localhost:9002"), Member("localhost:9003")]);
        store.Record(state.Snapshot());

        state.ReplaceMembers("localhost:8000", 2, [Member("localhost:9002"), Member("localhost:9003"), Member("localhost:9004")]);
        _time.Advance(TimeSpan.FromSeconds(1));
        store.Record(state.Snapshot());

        Assert.Equal(["localhost:9002", "localhost:9003", "localhost:9004"], store.View().Servers.Keys.Order());
        Assert.Single(store.View().Servers["localhost:9004"]);
        Assert.Equal(2, store.View().Servers["localhost:9002"].Count);
    }

    [Fact]
    public void Record_AccumulatorVersionsGrow_GiveTheCommitRate_AndTheValues()
    {
        var (state, store) = New();
        var source = AccumulatorSource.Database(_options.Database);
        state.RegistryReachable("localhost:8000");
        state.RegistryRoundTrip(1.5);
        state.SetAccumulators(source, [new AccumulatorView("global", "6", 10, true)], truncated: false, roundTripMs: 2);
        Assert.Null(store.Record(state.Snapshot()).System.CommitsPerSecond);

        _time.Advance(TimeSpan.FromSeconds(2));
        state.SetAccumulators(source, [new AccumulatorView("global", "42", 30, true)], truncated: false, roundTripMs: 3);
        var system = store.Record(state.Snapshot()).System;

        Assert.Equal(10, system.CommitsPerSecond);
        Assert.Equal(42, system.Accumulators["global"]);
        Assert.True(system.RegistryUp);
        Assert.Equal(1.5, system.RegistryMs);
        Assert.Equal(3, system.DatabaseMs);
    }

    [Fact]
    public void Record_DatabaseUnreachable_HasNoCommitRate_AndMarksItDown()
    {
        var (state, store) = New();
        var source = AccumulatorSource.Database(_options.Database);
        state.SetAccumulators(source, [new AccumulatorView("global", "6", 10, true)], truncated: false, roundTripMs: 2);
        store.Record(state.Snapshot());
        _time.Advance(TimeSpan.FromSeconds(1));
        state.AccumulatorsUnreachable(source, "Unavailable");

        var system = store.Record(state.Snapshot()).System;

        Assert.False(system.DatabaseUp);
        Assert.Null(system.CommitsPerSecond);
    }

    [Fact]
    public void Capacity_IsTheWindowOverTheInterval()
    {
        Assert.Equal(300, HistoryStore.Capacity(new DashboardOptions()));
        Assert.Equal(600, HistoryStore.Capacity(new DashboardOptions { SampleInterval = TimeSpan.FromMilliseconds(500) }));
    }

    [Fact]
    public void Options_HistoryWindowShorterThanTheInterval_IsRefused()
    {
        var options = new DashboardOptions { SampleInterval = TimeSpan.FromSeconds(10), HistoryWindow = TimeSpan.FromSeconds(5) };

        Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
    }

    private (DashboardState State, HistoryStore Store) New() => (new DashboardState(_options, _time), new HistoryStore(_options, _time));

    private static TrafficView Traffic(double rate, double p99) => new(TrafficSource.Metrics, "http://localhost:1/metrics", rate, 1, null, 1, p99, 0);

    private static Member Member(string address) => new(address, new Dictionary<string, string>(), null, null, false);
}
