namespace Roundabout.Dashboard.Metrics;

/// <summary>
/// Turns successive scrapes of one server's counters into a request rate and a mean latency
/// over the interval between them. A counter that went down (the server restarted) starts over.
/// Times are <see cref="TimeProvider"/> timestamps, so the arithmetic is tested with a fake clock.
/// </summary>
internal sealed class RateTracker(TimeProvider time)
{
    private (CalculatorRequests Totals, long Timestamp)? _previous;

    /// <summary>The rate per second and mean latency in milliseconds since the previous scrape; nulls on the first one.</summary>
    public (double? RequestsPerSecond, double? MeanLatencyMs) Add(CalculatorRequests totals)
    {
        var now = time.GetTimestamp();
        var previous = _previous;
        _previous = (totals, now);
        if (previous is not { } last || totals.Count < last.Totals.Count)
        {
            return (null, null);
        }

        var seconds = time.GetElapsedTime(last.Timestamp, now).TotalSeconds;
        if (seconds <= 0)
        {
            return (null, null);
        }

        var requests = totals.Count - last.Totals.Count;
        var rate = requests / seconds;
        double? latency = requests > 0 ? (totals.SumSeconds - last.Totals.SumSeconds) / requests * 1000 : null;
        return (rate, latency);
    }
}
