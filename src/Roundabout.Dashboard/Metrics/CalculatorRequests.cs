namespace Roundabout.Dashboard.Metrics;

/// <summary>
/// The totals of a server's Calculator requests in one scrape: how many it has finished, and the
/// seconds they took altogether, from ASP.NET Core's <c>http.server.request.duration</c>
/// histogram as a Prometheus exporter names it.
/// </summary>
internal readonly record struct CalculatorRequests(double Count, double SumSeconds)
{
    public const string CountMetric = "http_server_request_duration_seconds_count";
    public const string SumMetric = "http_server_request_duration_seconds_sum";

    /// <summary>
    /// Sums the lines of the Calculator service: any label whose value names it (the route, such as
    /// <c>/roundabout.calculator.v1.Calculator/Sum</c>, whatever the exporter calls that label).
    /// Null when the text has no such line.
    /// </summary>
    public static CalculatorRequests? From(IEnumerable<PrometheusSample> samples)
    {
        double count = 0, sum = 0;
        var found = false;
        foreach (var sample in samples)
        {
            var isCount = sample.Name == CountMetric;
            if (!isCount && sample.Name != SumMetric)
            {
                continue;
            }

            if (!sample.Labels.Values.Any(v => v.Contains("Calculator", StringComparison.OrdinalIgnoreCase)) || !double.IsFinite(sample.Value))
            {
                continue;
            }

            found = true;
            if (isCount)
            {
                count += sample.Value;
            }
            else
            {
                sum += sample.Value;
            }
        }

        return found ? new CalculatorRequests(count, sum) : null;
    }
}
