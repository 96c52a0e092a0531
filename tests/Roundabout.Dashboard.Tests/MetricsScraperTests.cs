using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Roundabout.Contracts.Registry.V1;
using Roundabout.Dashboard.Metrics;
using Roundabout.Dashboard.State;
using Roundabout.Hosting;

namespace Roundabout.Dashboard.Tests;

/// <summary>The scraper over a real loopback HTTP endpoint that serves exporter text; time is a fake clock.</summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class MetricsScraperTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private WebApplication _metrics = null!;
    private volatile string _text = string.Empty;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _metrics = builder.Build();
        _metrics.MapGet("/metrics", () => Results.Text(_text, "text/plain; version=0.0.4"));
        await _metrics.StartAsync();
    }

    public async Task DisposeAsync() => await _metrics.DisposeAsync();

    [Fact]
    public async Task TwoScrapesASecondApart_RateAndMeanLatencyOfTheCalculatorRequests()
    {
        var (state, scraper, http) = Build(metadata: $"127.0.0.1:{_metrics.GetBoundPort()}");
        using var _ = http;
        Serve(count: 10, seconds: 0.05);
        await scraper.ScrapeOnceAsync(CancellationToken.None).DefaultTimeout();
        var first = state.Snapshot().Members[0].Traffic;

        Serve(count: 30, seconds: 0.25);
        _time.Advance(TimeSpan.FromSeconds(1));
        await scraper.ScrapeOnceAsync(CancellationToken.None).DefaultTimeout();
        var second = state.Snapshot().Members[0].Traffic;

        Assert.Equal(TrafficSource.Metrics, first.Source);
        Assert.Null(first.RequestsPerSecond);
        Assert.Null(first.Error);
        Assert.Equal(20, second.RequestsPerSecond!.Value, 9);
        Assert.Equal(10, second.MeanLatencyMs!.Value, 9);
        Assert.Equal($"http://127.0.0.1:{_metrics.GetBoundPort()}/metrics", second.Endpoint);
    }

    [Fact]
    public async Task EndpointThatDoesNotAnswer_IsShownAsAnError()
    {
        var (state, scraper, http) = Build(metadata: "127.0.0.1:1");
        using var _ = http;

        await scraper.ScrapeOnceAsync(CancellationToken.None).DefaultTimeout();

        var traffic = state.Snapshot().Members[0].Traffic;
        Assert.Equal(TrafficSource.Metrics, traffic.Source);
        Assert.NotNull(traffic.Error);
        Assert.Null(traffic.RequestsPerSecond);
    }

    [Fact]
    public async Task MetadataThatIsNotAnAddress_IsShownAsAnError_AndNothingIsFetched()
    {
        var (state, scraper, http) = Build(metadata: "<b>not an address</b>");
        using var _ = http;

        await scraper.ScrapeOnceAsync(CancellationToken.None).DefaultTimeout();

        var traffic = state.Snapshot().Members[0].Traffic;
        Assert.Contains("is not host:port", traffic.Error, StringComparison.Ordinal);
        Assert.Null(traffic.Endpoint);
    }

    private (DashboardState State, MetricsScraper Scraper, HttpClient Http) Build(string metadata)
    {
        var options = new DashboardOptions { CallDeadline = TimeSpan.FromSeconds(5) };
        var state = new DashboardState(options, _time);
        state.ApplyChange(ChangeKind.Joined, new Member("127.0.0.1:9001", new Dictionary<string, string> { [Roundabout.Contracts.MetadataKeys.Metrics] = metadata }, null, null, false), 1);
        var http = new HttpClient();
        return (state, new MetricsScraper(options, state, http, _time), http);
    }

    private void Serve(int count, double seconds)
    {
        const string labels = "http_request_method=\"POST\",http_response_status_code=\"200\",http_route=\"/roundabout.calculator.v1.Calculator/Sum\"";
        _text = string.Create(CultureInfo.InvariantCulture, $$"""
            # TYPE http_server_request_duration_seconds histogram
            http_server_request_duration_seconds_sum{{{labels}}} {{seconds}}
            http_server_request_duration_seconds_count{{{labels}}} {{count}}
            http_server_request_duration_seconds_count{http_route="/grpc.health.v1.Health/Check"} {{count * 100}}
            # EOF

            """);
    }
}
