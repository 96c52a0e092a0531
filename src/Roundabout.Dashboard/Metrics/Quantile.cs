namespace Roundabout.Dashboard.Metrics;

/// <summary>
/// A quantile from the growth of a cumulative histogram between two scrapes, as Prometheus's
/// <c>histogram_quantile</c> reads one: linear within the bucket the rank falls in; the top
/// finite bound when it falls in the +Inf bucket.
/// </summary>
internal static class Quantile
{
    /// <summary>The <paramref name="q"/> quantile in seconds, or null when no request finished between the scrapes.</summary>
    public static double? Of(double q, IReadOnlyDictionary<double, double> before, IReadOnlyDictionary<double, double> after)
    {
        var bounds = after.Keys.Order().ToArray();
        if (bounds.Length == 0)
        {
            return null;
        }

        var total = after[bounds[^1]] - before.GetValueOrDefault(bounds[^1]);
        if (total <= 0)
        {
            return null;
        }

        var rank = q * total;
        double lowerBound = 0, lowerCount = 0;
        foreach (var bound in bounds)
        {
            var count = after[bound] - before.GetValueOrDefault(bound);
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(bound))
                {
                    return lowerBound;
                }

                var inBucket = count - lowerCount;
                return inBucket <= 0 ? bound : lowerBound + ((bound - lowerBound) * (rank - lowerCount) / inBucket);
            }

            lowerBound = bound;
            lowerCount = count;
        }

        return lowerBound;
    }
}
