using Microsoft.Extensions.Time.Testing;
using Roundabout.Dashboard.Metrics;

namespace Roundabout.Dashboard.Tests;

[Trait(Tier.Name, Tier.Unit)]
public sealed class PrometheusTextTests
{
    // What an OpenTelemetry Prometheus exporter serves for ASP.NET Core's request duration
    // histogram on a server that answered Sum, Multiply and health checks (buckets shortened).
    private const string Scrape = """
        # TYPE http_server_request_duration_seconds histogram
        # UNIT http_server_request_duration_seconds seconds
        # HELP http_server_request_duration_seconds Duration of HTTP server requests.
        http_server_request_duration_seconds_bucket{http_request_method="POST",http_response_status_code="200",http_route="/roundabout.calculator.v1.Calculator/Sum",network_protocol_name="http",network_protocol_version="2",url_scheme="http",le="0.005"} 11 1764170000000
        http_server_request_duration_seconds_bucket{http_request_method="POST",http_response_status_code="200",http_route="/roundabout.calculator.v1.Calculator/Sum",network_protocol_name="http",network_protocol_version="2",url_scheme="http",le="+Inf"} 12 1764170000000
        http_server_request_duration_seconds_sum{http_request_method="POST",http_response_status_code="200",http_route="/roundabout.calculator.v1.Calculator/Sum",network_protocol_name="http",network_protocol_version="2",url_scheme="http"} 0.0123 1764170000000
        http_server_request_duration_seconds_count{http_request_method="POST",http_response_status_code="200",http_route="/roundabout.calculator.v1.Calculator/Sum",network_protocol_name="http",network_protocol_version="2",url_scheme="http"} 12 1764170000000
        http_server_request_duration_seconds_sum{http_request_method="POST",http_response_status_code="200",http_route="/roundabout.calculator.v1.Calculator/Multiply",network_protocol_name="http",network_protocol_version="2",url_scheme="http"} 0.5 1764170000000
        http_server_request_duration_seconds_count{http_request_method="POST",http_response_status_code="200",http_route="/roundabout.calculator.v1.Calculator/Multiply",network_protocol_name="http",network_protocol_version="2",url_scheme="http"} 8 1764170000000
        http_server_request_duration_seconds_sum{http_request_method="POST",http_response_status_code="200",http_route="/grpc.health.v1.Health/Check",network_protocol_name="http",network_protocol_version="2",url_scheme="http"} 0.1 1764170000000
        http_server_request_duration_seconds_count{http_request_method="POST",http_response_status_code="200",http_route="/grpc.health.v1.Health/Check",network_protocol_name="http",network_protocol_version="2",url_scheme="http"} 100 1764170000000
        # TYPE kestrel_active_connections gauge
        kestrel_active_connections{network_transport="tcp"} 3
        # EOF
        """;

    [Fact]
    public void Parse_ExporterText_ReadsNamesLabelsAndValuesAndSkipsComments()
    {
        var samples = PrometheusText.Parse(Scrape).ToArray();

        Assert.Equal(9, samples.Length);
        var sumCount = samples.Single(s => s.Name == "http_server_request_duration_seconds_count" && s.Labels["http_route"].EndsWith("/Sum", StringComparison.Ordinal));
        Assert.Equal(12, sumCount.Value);
        Assert.Equal("POST", sumCount.Labels["http_request_method"]);
        Assert.Equal(6, sumCount.Labels.Count);
        Assert.Equal("+Inf", samples[1].Labels["le"]);
        Assert.Equal(3, samples.Single(s => s.Name == "kestrel_active_connections").Value);
    }

    [Fact]
    public void CalculatorRequests_SumsTheCalculatorLinesOnly()
    {
        var totals = CalculatorRequests.From(PrometheusText.Parse(Scrape));

        Assert.NotNull(totals);
        Assert.Equal(20, totals.Count);
        Assert.Equal(0.5123, totals.SumSeconds, 9);
    }

    [Fact]
    public void CalculatorRequests_AnyLabelNamingTheService_Counts()
    {
        const string text = """
            http_server_request_duration_seconds_count{grpc_method="roundabout.calculator.v1.Calculator/Multiply",otel_scope_name="Microsoft.AspNetCore.Hosting"} 5
            http_server_request_duration_seconds_sum{grpc_method="roundabout.calculator.v1.Calculator/Multiply",otel_scope_name="Microsoft.AspNetCore.Hosting"} 0.25
            http_server_request_duration_seconds_count{route="/other"} 9
            """;

        var totals = CalculatorRequests.From(PrometheusText.Parse(text));

        Assert.Equal((5d, 0.25), (totals!.Count, totals.SumSeconds));
    }

    [Fact]
    public void CalculatorRequests_NoCalculatorLines_IsNull()
    {
        Assert.Null(CalculatorRequests.From(PrometheusText.Parse("process_cpu_seconds_total 12.5\n")));
    }

    [Theory]
    [InlineData("m{a=\"x\\\"y\\\\z\\n\"} 1", "x\"y\\z\n")]
    [InlineData("m{ a = \"v\" , } 2 1764170000000", "v")]
    public void Parse_EscapedAndSpacedLabels_AreRead(string line, string expected)
    {
        var sample = Assert.Single(PrometheusText.Parse(line));

        Assert.Equal(expected, sample.Labels["a"]);
    }

    [Theory]
    [InlineData("m{a=\"unterminated} 1")]
    [InlineData("m{a} 1")]
    [InlineData("m notanumber")]
    [InlineData("{a=\"x\"} 1")]
    public void Parse_MalformedLine_IsSkipped(string line)
    {
        var sample = Assert.Single(PrometheusText.Parse(line + "\nok 1\n"));
        Assert.Equal("ok", sample.Name);
    }

    [Fact]
    public void RateTracker_TwoScrapes_RateAndMeanLatencyOverTheInterval()
    {
        var time = new FakeTimeProvider();
        var tracker = new RateTracker(time);

        Assert.Equal(default, tracker.Add(new CalculatorRequests(100, 1.0)));
        time.Advance(TimeSpan.FromSeconds(2));
        var sample = tracker.Add(new CalculatorRequests(140, 1.2));

        Assert.Equal(20, sample.RequestsPerSecond!.Value, 9);
        Assert.Equal(5, sample.MeanLatencyMs!.Value, 9);
    }

    [Fact]
    public void RateTracker_NoNewRequests_RateZeroLatencyUnknown()
    {
        var time = new FakeTimeProvider();
        var tracker = new RateTracker(time);
        tracker.Add(new CalculatorRequests(10, 0.1));
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(new TrafficSample(0d, null, null, null, null), tracker.Add(new CalculatorRequests(10, 0.1)));
    }

    [Fact]
    public void RateTracker_CounterWentDown_StartsOverInsteadOfANegativeRate()
    {
        var time = new FakeTimeProvider();
        var tracker = new RateTracker(time);
        tracker.Add(new CalculatorRequests(500, 5));
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(default, tracker.Add(new CalculatorRequests(3, 0.01)));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(7, tracker.Add(new CalculatorRequests(10, 0.02)).RequestsPerSecond!.Value, 9);
    }

    [Fact]
    public void RateTracker_HistogramAndFailures_GiveP50P99AndErrorRateOfTheInterval()
    {
        var time = new FakeTimeProvider();
        var tracker = new RateTracker(time);
        const string Route = "http_route=\"/roundabout.calculator.v1.Calculator/Sum\"";
        tracker.Add(CalculatorRequests.From(PrometheusText.Parse(HistogramScrape(Route, fast: 0, slow: 0, failed: 0)))!);
        time.Advance(TimeSpan.FromSeconds(1));

        // 98 calls under 10 ms, 2 between 1 s and 2.5 s, 10 of the 100 failed.
        var sample = tracker.Add(CalculatorRequests.From(PrometheusText.Parse(HistogramScrape(Route, fast: 98, slow: 2, failed: 10)))!);

        Assert.Equal(100, sample.RequestsPerSecond!.Value, 9);
        Assert.InRange(sample.P50Ms!.Value, 5, 10);
        Assert.InRange(sample.P99Ms!.Value, 1000, 2500);
        Assert.Equal(0.1, sample.ErrorRate!.Value, 9);
    }

    [Fact]
    public void Quantile_RankInTheInfBucket_IsTheTopFiniteBound()
    {
        var before = new Dictionary<double, double> { [0.1] = 0, [double.PositiveInfinity] = 0 };
        var after = new Dictionary<double, double> { [0.1] = 1, [double.PositiveInfinity] = 10 };

        Assert.Equal(0.1, Quantile.Of(0.99, before, after));
        Assert.Null(Quantile.Of(0.5, before, before));
    }

    private static string HistogramScrape(string route, int fast, int slow, int failed)
    {
        var ok = fast + slow - failed;
        return $$"""
            http_server_request_duration_seconds_bucket{{{route}},le="0.005"} 0
            http_server_request_duration_seconds_bucket{{{route}},le="0.01"} {{fast}}
            http_server_request_duration_seconds_bucket{{{route}},le="1"} {{fast}}
            http_server_request_duration_seconds_bucket{{{route}},le="2.5"} {{fast + slow}}
            http_server_request_duration_seconds_bucket{{{route}},le="+Inf"} {{fast + slow}}
            http_server_request_duration_seconds_count{{{route}},grpc_status="0"} {{ok}}
            http_server_request_duration_seconds_count{{{route}},grpc_status="14"} {{failed}}
            http_server_request_duration_seconds_sum{{{route}}} {{(fast * 0.008) + (slow * 2)}}
            """;
    }
}
