namespace Roundabout.Cli.Bench;

/// <summary>Latency percentiles in milliseconds (nearest rank).</summary>
public sealed record LatencySummary(double P50, double P90, double P99, double Max)
{
    public static LatencySummary From(List<double> milliseconds)
    {
        if (milliseconds.Count == 0)
        {
            return new LatencySummary(0, 0, 0, 0);
        }

        milliseconds.Sort();
        return new LatencySummary(At(milliseconds, 0.50), At(milliseconds, 0.90), At(milliseconds, 0.99), milliseconds[^1]);
    }

    private static double At(List<double> sorted, double quantile)
    {
        var rank = (int)Math.Ceiling(quantile * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
