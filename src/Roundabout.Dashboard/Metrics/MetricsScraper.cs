using Microsoft.Extensions.Hosting;
using Roundabout.Contracts;
using Roundabout.Dashboard.Network;
using Roundabout.Dashboard.State;

namespace Roundabout.Dashboard.Metrics;

/// <summary>
/// Once per sample interval, reads <c>http://host:port/metrics</c> of every member that
/// advertises a metrics endpoint (registry metadata <c>metrics</c> = <c>host:port</c>) and turns
/// its Calculator request counters into a rate and a mean latency. Only endpoints on the member's
/// own host, or on a host in <see cref="DashboardOptions.MetricsHosts"/>, are read.
/// </summary>
internal sealed class MetricsScraper(DashboardOptions options, DashboardState state, HttpClient http, TimeProvider time) : BackgroundService
{
    private readonly ProbeSlots _slots = new(options);

    private readonly Dictionary<string, (string Endpoint, RateTracker Tracker)> _trackers = new(StringComparer.OrdinalIgnoreCase);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.SampleInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await ScrapeOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round: every member with a metrics endpoint, at once.</summary>
    internal async Task ScrapeOnceAsync(CancellationToken cancellationToken)
    {
        var members = state.Members.Where(m => m.Metadata.ContainsKey(MetadataKeys.Metrics)).ToArray();
        foreach (var gone in _trackers.Keys.Where(a => !members.Any(m => string.Equals(m.Address, a, StringComparison.OrdinalIgnoreCase))).ToArray())
        {
            _trackers.Remove(gone);
        }

        if (members.Length == 0)
        {
            return;
        }

        var results = await Task.WhenAll(members.Select(m => _slots.RunAsync(
            () => ScrapeAsync(m.Address, m.Metadata[MetadataKeys.Metrics], cancellationToken),
            reason => (Address: m.Address, Traffic: new TrafficView(TrafficSource.Metrics, null, null, null, reason)),
            cancellationToken)));
        state.SetTraffic(results.ToDictionary(r => r.Address, r => r.Traffic, StringComparer.OrdinalIgnoreCase));
    }

    public override void Dispose()
    {
        _slots.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// Registry metadata is data, not instructions: anyone who can register can write it, so an
    /// endpoint is read only on the instance's own host or on a host the operator allowed.
    /// </summary>
    private string? NotFollowed(string address, EndpointAddress endpoint)
    {
        var own = EndpointAddress.TryParse(address, out var instance, out _) ? instance.Host : null;
        if (string.Equals(endpoint.Host, own, StringComparison.OrdinalIgnoreCase)
            || options.MetricsHosts.Contains(endpoint.Host, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        return $"not followed: the endpoint is on {endpoint.Host}, not on the instance's own host {own}; the dashboard's --metrics-hosts may allow it";
    }

    private async Task<(string Address, TrafficView Traffic)> ScrapeAsync(string address, string advertised, CancellationToken cancellationToken)
    {
        if (!EndpointAddress.TryParse(advertised, out var endpoint, out var error))
        {
            return (address, new TrafficView(TrafficSource.Metrics, null, null, null, $"the metadata metrics='{advertised}' is not host:port ({error})"));
        }

        var url = new Uri(endpoint.ToHttpUri(), "/metrics");
        if (NotFollowed(address, endpoint) is { } refusal)
        {
            return (address, new TrafficView(TrafficSource.Metrics, url.ToString(), null, null, refusal));
        }

        if (!_trackers.TryGetValue(address, out var entry) || entry.Endpoint != url.ToString())
        {
            entry = (url.ToString(), new RateTracker(time));
            _trackers[address] = entry;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.CallDeadline);
            var text = await http.GetStringAsync(url, timeout.Token);
            if (CalculatorRequests.From(PrometheusText.Parse(text, CalculatorRequests.MetricPrefix)) is not { } totals)
            {
                return (address, new TrafficView(TrafficSource.Metrics, url.ToString(), 0, null, null));
            }

            var sample = entry.Tracker.Add(totals);
            return (address, new TrafficView(TrafficSource.Metrics, url.ToString(), sample.RequestsPerSecond, sample.MeanLatencyMs, null, sample.P50Ms, sample.P99Ms, sample.ErrorRate));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = ex is TaskCanceledException ? $"no answer within {options.CallDeadline.TotalSeconds:0.#} s" : ex.Message;
            return (address, new TrafficView(TrafficSource.Metrics, url.ToString(), null, null, reason));
        }
    }
}
