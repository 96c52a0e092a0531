namespace Roundabout.Dashboard.Metrics;

/// <summary>What one server did between two scrapes; nulls where it cannot be known.</summary>
internal readonly record struct TrafficSample(double? RequestsPerSecond, double? MeanLatencyMs, double? P50Ms, double? P99Ms, double? ErrorRate);

/// <summary>
/// Turns successive scrapes of one server's counters into a request rate, a mean, p50 and p99
/// latency and an error rate over the interval between them. A counter that went down (the server
/// restarted) starts over. Times are <see cref="TimeProvider"/> timestamps, so the arithmetic is
/// tested with a fake clock.
/// </summary>
internal sealed class RateTracker(TimeProvider time)
{
    private (CalculatorRequests Totals, long Timestamp)? _previous;

    /// <summary>The figures since the previous scrape; all null on the first one.</summary>
    public TrafficSample Add(CalculatorRequests totals)
    {
        var now = time.GetTimestamp();
        var previous = _previous;
        _previous = (totals, now);
        if (previous is not { } last || totals.Count < last.Totals.Count)
        {
            return default;
        }

        var seconds = time.GetElapsedTime(last.Timestamp, now).TotalSeconds;
        if (seconds <= 0)
        {
            return default;
        }

        var requests = totals.Count - last.Totals.Count;
        var rate = requests / seconds;
        if (requests <= 0)
        {
            return new TrafficSample(rate, null, null, null, null);
        }

        var latency = (totals.SumSeconds - last.Totals.SumSeconds) / requests * 1000;
        var errors = Math.Clamp((totals.Errors - last.Totals.Errors) / requests, 0, 1);
        return new TrafficSample(
            rate,
            latency,
            Quantile.Of(0.5, last.Totals.Buckets, totals.Buckets) * 1000,
            Quantile.Of(0.99, last.Totals.Buckets, totals.Buckets) * 1000,
            errors);
    }
}
