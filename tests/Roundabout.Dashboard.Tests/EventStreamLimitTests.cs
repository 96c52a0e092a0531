using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Roundabout.Contracts;
using Roundabout.Hosting;

namespace Roundabout.Dashboard.Tests;

/// <summary>Past its cap of live event streams the dashboard answers 503 with Retry-After, and serves again once a stream closes.</summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class EventStreamLimitTests : IAsyncLifetime
{
    private WebApplication _dashboard = null!;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public async Task InitializeAsync()
    {
        _dashboard = DashboardHost.Build(new DashboardOptions
        {
            Port = 0,
            // Nothing listens there: the page shows the registry unreachable, which is all this test needs.
            Registries = [new EndpointAddress("127.0.0.1", FreePorts.Next())],
            MaxEventStreams = 2,
            Log = new LogSettings(Minimum: LogLevel.Warning),
        });
        await _dashboard.StartAsync().DefaultTimeout();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _dashboard.StopAsync(new CancellationToken(true)).WaitAsync(TimeSpan.FromSeconds(15));
        await _dashboard.DisposeAsync();
    }

    [Fact]
    public async Task EventStreams_PastTheCap_Get503WithRetryAfter_AndHealthzStillAnswers_AndAFreedSlotServesAgain()
    {
        var url = DashboardHost.Url(_dashboard);
        using var first = await OpenAsync(url);
        using var second = await OpenAsync(url);

        using var refused = await OpenAsync(url);
        var healthz = await _http.GetStringAsync(new Uri(url + "healthz")).DefaultTimeout();

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
        Assert.Contains("--max-event-streams", await refused.Content.ReadAsStringAsync().DefaultTimeout(), StringComparison.Ordinal);
        Assert.Equal("ok\n", healthz);

        first.Dispose();
        await Eventually.UntilAsync(
            async () =>
            {
                using var again = await OpenAsync(url);
                return again.StatusCode == HttpStatusCode.OK;
            },
            "a stream is served again once one of the two closes");
    }

    private async Task<HttpResponseMessage> OpenAsync(string url) =>
        await _http.GetAsync(new Uri(url + "events"), HttpCompletionOption.ResponseHeadersRead).DefaultTimeout();
}
