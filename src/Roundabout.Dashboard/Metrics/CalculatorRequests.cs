namespace Roundabout.Dashboard.Metrics;

/// <summary>
/// The totals of a server's Calculator requests in one scrape: how many it has finished, the
/// seconds they took altogether, how many failed, and the cumulative latency histogram, from
/// ASP.NET Core's <c>http.server.request.duration</c> as a Prometheus exporter names it.
/// </summary>
internal sealed record CalculatorRequests(double Count, double SumSeconds, double Errors, IReadOnlyDictionary<double, double> Buckets)
{
    /// <summary>The start of every line read; a scrape's other lines (runtime, Kestrel...) are skipped unparsed.</summary>
    public const string MetricPrefix = "http_server_request_duration_seconds_";
    public const string CountMetric = "http_server_request_duration_seconds_count";
    public const string SumMetric = "http_server_request_duration_seconds_sum";
    public const string BucketMetric = "http_server_request_duration_seconds_bucket";

    public CalculatorRequests(double count, double sumSeconds)
        : this(count, sumSeconds, 0, new Dictionary<double, double>())
    {
    }

    /// <summary>
    /// Sums the lines of the Calculator service: any label whose value names it (the route, such as
    /// <c>/roundabout.calculator.v1.Calculator/Sum</c>, whatever the exporter calls that label).
    /// A line counts as failed when it carries a gRPC status other than OK, an error type, or an
    /// HTTP status of 500 or more. Null when the text has no such line.
    /// </summary>
    public static CalculatorRequests? From(IEnumerable<PrometheusSample> samples)
    {
        double count = 0, sum = 0, errors = 0;
        var buckets = new SortedDictionary<double, double>();
        var found = false;
        foreach (var sample in samples)
        {
            var kind = sample.Name switch
            {
                CountMetric => 0,
                SumMetric => 1,
                BucketMetric => 2,
                _ => -1,
            };
            if (kind < 0 || !double.IsFinite(sample.Value) || !sample.Labels.Values.Any(v => v.Contains("Calculator", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            found = true;
            switch (kind)
            {
                case 0:
                    count += sample.Value;
                    errors += Failed(sample.Labels) ? sample.Value : 0;
                    break;
                case 1:
                    sum += sample.Value;
                    break;
                default:
                    if (sample.Labels.TryGetValue("le", out var le) && ParseBound(le) is { } bound)
                    {
                        buckets[bound] = buckets.GetValueOrDefault(bound) + sample.Value;
                    }

                    break;
            }
        }

        return found ? new CalculatorRequests(count, sum, errors, buckets) : null;
    }

    private static bool Failed(IReadOnlyDictionary<string, string> labels) =>
        (labels.TryGetValue("grpc_status", out var grpc) && grpc != "0" && grpc != "OK")
        || labels.ContainsKey("error_type")
        || (labels.TryGetValue("http_response_status_code", out var http) && int.TryParse(http, out var code) && code >= 500);

    private static double? ParseBound(string text) =>
        text == "+Inf" ? double.PositiveInfinity
        : double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && !double.IsNaN(value) ? value
        : null;
}
