using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Roundabout.Client.Telemetry;
using Roundabout.Testing.Fakes;

namespace Roundabout.Client.Tests;

/// <summary>The client's instruments, read through a MeterListener on this client's own meter over real loopback calls.</summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class ClientMetricsTests
{
    [Fact]
    public async Task AHungServer_CountsFailoversAndOneEjection_AndEveryCallByMethodAndStatus()
    {
        using var meters = new OwnMeterFactory();
        using var recorded = new Recorded(meters);
        await using var cluster = await TestCluster.StartAsync(servers: 2);
        var client = cluster.CreateClient(o =>
        {
            o.MeterFactory = meters;
            o.AttemptTimeout = TimeSpan.FromMilliseconds(300);
            o.Outliers.BaseEjectionTime = TimeSpan.FromMinutes(5);
            o.Outliers.MaxEjectionTime = TimeSpan.FromMinutes(5);
        });
        await BalancingTests.WarmUpAsync(client, 2);
        Assert.Empty(recorded.Of("roundabout.client.failovers"));
        var hung = cluster.Servers[0];
        hung.Calculator.Hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var calls = 0;
        await Eventually.UntilAsync(
            async () =>
            {
                await client.SumAsync("1", "1");
                calls++;
                return client.Health.IsEjected(hung.Address);
            },
            "the hung server is ejected");
        hung.Calculator.Hang.SetResult();

        var ejection = Assert.Single(recorded.Of("roundabout.client.ejections"));
        Assert.Equal(1, ejection.Value);
        Assert.Equal(hung.Address, ejection.Tags["server.address"]);

        // Each call that met the hung server was sent again: one failover each, all for Sum.
        var failovers = recorded.Of("roundabout.client.failovers");
        Assert.NotEmpty(failovers);
        Assert.All(failovers, f => Assert.Equal("Sum", f.Tags["rpc.method"]));

        // Every logical call is timed once, by method and final status (all succeeded after failing over).
        var durations = recorded.Of("roundabout.client.call.duration").Where(d => (string?)d.Tags["rpc.method"] == "Sum").ToList();
        Assert.True(durations.Count >= calls, $"{durations.Count} durations for at least {calls} calls");
        Assert.All(durations, d => Assert.Equal(0, d.Tags["rpc.grpc.status_code"]));
        Assert.Contains(durations, d => d.Value >= 0.3);
    }

    private sealed class OwnMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public IReadOnlyList<Meter> Meters => _meters;

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }

    private sealed record Measurement(string Instrument, double Value, Dictionary<string, object?> Tags);

    /// <summary>Every measurement of the meters this factory created, and only those (other tests run their own clients).</summary>
    private sealed class Recorded : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<Measurement> _measurements = new();

        public Recorded(OwnMeterFactory meters)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ClientTelemetry.MeterName && meters.Meters.Contains(instrument.Meter))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.Start();
        }

        public List<Measurement> Of(string instrument) => [.. _measurements.Where(m => m.Instrument == instrument)];

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>();
            foreach (var (key, tagValue) in tags)
            {
                copy[key] = tagValue;
            }

            _measurements.Enqueue(new Measurement(instrument.Name, value, copy));
        }

        public void Dispose() => _listener.Dispose();
    }
}
