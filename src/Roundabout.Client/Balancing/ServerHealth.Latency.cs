using Microsoft.Extensions.Logging;

namespace Roundabout.Client.Balancing;

/// <summary>
/// Latency for the peak EWMA policy: each answered call's latency feeds its server's average, and
/// a server whose average is far above its peers' (more than <see cref="LatencyOptions.OutlierFactor"/>
/// times their median, and above <see cref="LatencyOptions.OutlierFloor"/>) is ejected as a failing
/// one is, for as long, while no more than <see cref="LatencyOptions.MaxEjectedPercent"/> of the
/// ready servers are ejected. It comes back on probation with its average forgotten, so it gets
/// calls again, one at a time until it answers; one slow answer then ejects it again, for longer.
/// </summary>
internal sealed partial class ServerHealth
{
    /// <summary>The cost of a server with calls in flight and no answer yet: above any measured one, so it gets one call at a time.</summary>
    private const double UnmeasuredCost = 1e12;

    /// <summary>
    /// What a call to <paramref name="entry"/> costs now: its latency average (or, when larger, how
    /// long it has had calls in flight without finishing one) times its calls in flight plus one.
    /// A server not measured yet costs nothing while idle, so it is tried.
    /// </summary>
    public static double Cost(CallTracker entry, long now)
    {
        var outstanding = Math.Max(Volatile.Read(ref entry.Outstanding), 0);
        if (entry.Latency.Samples == 0)
        {
            return outstanding == 0 ? 0 : UnmeasuredCost + outstanding;
        }

        return Math.Max(entry.Latency.Current(now), entry.Latency.Stalled(now)) * (outstanding + 1);
    }

    /// <summary>The latency average of <paramref name="address"/> now, in milliseconds (0 before its first sample).</summary>
    public double LatencyMilliseconds(string address) =>
        _entries.TryGetValue(address, out var entry) ? entry.Latency.Current(_time.GetTimestamp()) : 0;

    public void LatencyObserved(string address, TimeSpan latency) => LatencyObserved(Get(address), latency);

    /// <summary>A call to <paramref name="entry"/> answered (or timed out) after <paramref name="latency"/>.</summary>
    public void LatencyObserved(CallTracker entry, TimeSpan latency)
    {
        var nowUtc = _time.GetUtcNow().UtcTicks;
        if (nowUtc < Volatile.Read(ref entry.EjectedUntilTicks))
        {
            // A late answer from an ejected server: it is judged afresh when it comes back.
            return;
        }

        var now = _time.GetTimestamp();
        entry.Latency.Observe(latency.TotalMilliseconds, now);
        var average = entry.Latency.Current(now);
        var onProbation = Volatile.Read(ref entry.OnProbation) != 0;
        var samples = entry.Latency.Samples;
        if (average > _latency.OutlierFloor.TotalMilliseconds && (onProbation || samples >= _latency.MinSamples) &&
            MedianOfPeers(entry, now, nowUtc) is { } median && average > _latency.OutlierFactor * median)
        {
            TryEjectForLatency(entry, average, median, nowUtc);
        }
        else if (onProbation && samples >= _latency.MinSamples)
        {
            Volatile.Write(ref entry.OnProbation, 0);
        }
    }

    private void TryEjectForLatency(CallTracker entry, double average, double median, long nowUtc)
    {
        lock (_latencyGate)
        {
            if (nowUtc < Volatile.Read(ref entry.EjectedUntilTicks))
            {
                return;
            }

            var ready = Volatile.Read(ref _ready);
            var allowed = Math.Max(1, ready.Count * _latency.MaxEjectedPercent / 100);
            if (EjectedAmong(ready, nowUtc) >= allowed)
            {
                return;
            }

            lock (entry)
            {
                entry.TimesEjected++;
                var ticks = Math.Min(_options.BaseEjectionTime.Ticks * entry.TimesEjected, _options.MaxEjectionTime.Ticks);
                EjectLocked(entry, nowUtc + ticks);
                entry.Latency.Reset();
                Volatile.Write(ref entry.OnProbation, 1);
                Log.ServerSlow(_logger, entry.Address, average, median, TimeSpan.FromTicks(ticks).TotalSeconds, entry.TimesEjected);
            }
        }
    }

    private int EjectedAmong(HashSet<string> ready, long nowUtc)
    {
        var ejected = 0;
        foreach (var address in ready)
        {
            if (_entries.TryGetValue(address, out var other) && nowUtc < Volatile.Read(ref other.EjectedUntilTicks))
            {
                ejected++;
            }
        }

        return ejected;
    }

    /// <summary>The median latency average of the other ready servers that are measured and not ejected; null when there are none.</summary>
    private double? MedianOfPeers(CallTracker entry, long now, long nowUtc)
    {
        var ready = Volatile.Read(ref _ready);
        Span<double> averages = ready.Count <= 64 ? stackalloc double[ready.Count] : new double[ready.Count];
        var count = 0;
        foreach (var address in ready)
        {
            if (_entries.TryGetValue(address, out var other) && other != entry && other.Latency.Samples > 0 &&
                nowUtc >= Volatile.Read(ref other.EjectedUntilTicks))
            {
                averages[count++] = other.Latency.Current(now);
            }
        }

        if (count == 0)
        {
            return null;
        }

        var measured = averages[..count];
        measured.Sort();
        return count % 2 == 1 ? measured[count / 2] : (measured[(count / 2) - 1] + measured[count / 2]) / 2;
    }
}
