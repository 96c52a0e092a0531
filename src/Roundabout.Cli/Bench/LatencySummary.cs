using HdrHistogram;

namespace Roundabout.Cli.Bench;

/// <summary>Latency percentiles in milliseconds.</summary>
public sealed record LatencySummary(double P50, double P90, double P99, double Max)
{
    /// <summary>The 99.9th percentile; the open-loop report shows it.</summary>
    public double P999 { get; init; }

    /// <summary>The longest latency a histogram tells apart, in microseconds (1 hour, the longest run); longer ones count as this.</summary>
    public const long HighestMicroseconds = 3_600_000_000;

    /// <summary>
    /// A histogram of microseconds with fixed memory (about 27 KB) and two significant digits: a
    /// percentile is within 1% of the exact one, however long the run.
    /// </summary>
    public static LongHistogram NewHistogram() => new(HighestMicroseconds, 2);

    /// <summary>Percentiles from a histogram of microseconds; the maximum is the exact one seen.</summary>
    public static LatencySummary From(HistogramBase microseconds, long maxMicroseconds)
    {
        if (microseconds.TotalCount == 0)
        {
            return new LatencySummary(0, 0, 0, 0);
        }

        // A percentile is the top of its histogram bucket, which can lie above the exact maximum
        // seen (p99 88.063 ms beside a max of 88.013 ms); no percentile passes the maximum.
        return new LatencySummary(
            Milliseconds(Math.Min(microseconds.GetValueAtPercentile(50), maxMicroseconds)),
            Milliseconds(Math.Min(microseconds.GetValueAtPercentile(90), maxMicroseconds)),
            Milliseconds(Math.Min(microseconds.GetValueAtPercentile(99), maxMicroseconds)),
            Milliseconds(maxMicroseconds))
        {
            P999 = Milliseconds(Math.Min(microseconds.GetValueAtPercentile(99.9), maxMicroseconds)),
        };
    }

    private static double Milliseconds(long microseconds) => microseconds / 1000.0;
}
