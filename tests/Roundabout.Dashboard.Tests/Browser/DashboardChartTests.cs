using Grpc.Net.Client;
using Roundabout.Contracts.Registry.V1;
using RegistryApi = Roundabout.Contracts.Registry.V1.Registry;

namespace Roundabout.Dashboard.Tests.Browser;

/// <summary>The charts, the slow-server mark and the service picker, in a real headless Chromium against real processes.</summary>
[Trait("Tier", "Browser")]
[Trait(Tier.Name, Tier.Process)]
public sealed class DashboardChartTests(MetricsCluster live) : IClassFixture<MetricsCluster>
{
    private readonly DashboardCluster _cluster = live.Cluster;
    private readonly HeadlessChromium _browser = live.Browser;

    [Fact]
    public async Task Charts_Render_AndTheRateLineRises_WhenLoadStarts()
    {
        OpenPage();
        WaitFor(v => v.Lines.Count(l => l.Chart == "rate" && l.Points >= 2) >= 2, "both servers have a request-rate line");
        WaitFor(v => v.Line("system", "registry") is { Points: >= 2, Last: > 0 } && v.Line("system", "database") is { Points: >= 2 }, "the registry and database round trips are charted");
        // Quiet first (another test of the class may have just sent load), so the rise is this load's.
        WaitFor(v => v.Lines.Where(l => l.Chart == "rate").All(l => l.Last is null or < 1), "every rate line is near zero before the load");
        var before = ChartView.Read(_browser).Lines.Where(l => l.Chart == "rate").ToDictionary(l => l.Series);

        await _cluster.RunClientAsync("bench", "--duration", "6s", "--concurrency", "4", "--policy", "round-robin");

        WaitFor(v => v.Lines.Count(l => l.Chart == "rate" && l.Points > 0 && HasRisen(l)) >= 2, "both servers' rate lines show the load", TimeSpan.FromSeconds(15));
        var after = ChartView.Read(_browser);
        Assert.All(after.Lines.Where(l => l.Chart == "rate"), l => Assert.NotEqual(before[l.Series].D, l.D));
        Assert.Contains(after.Lines, l => l.Chart == "p99" && l.Points > 0);
        _browser.SaveScreenshot(Path.Combine(AppContext.BaseDirectory, "dashboard-charts.png"));
    }

    [Fact]
    public async Task SlowedServer_IsMarkedSlow_WithItsFaults_AndItsP99LineStandsOut()
    {
        var (_, slow) = await _cluster.StartServerAsync("--metrics-port", "0", "--inject-latency", "300ms");
        OpenPage();
        WaitFor(v => v.Rows.Any(r => r.Address == slow && r.Faults == "latency:300ms"), $"{slow} shows its injected faults");

        await _cluster.RunClientAsync("bench", "--duration", "8s", "--concurrency", "6", "--policy", "round-robin");

        WaitFor(v => v.Rows.Single(r => r.Address == slow).Slow, $"{slow} is marked slow", TimeSpan.FromSeconds(15));
        var view = ChartView.Read(_browser);
        Assert.Contains("slow: p99", view.Rows.Single(r => r.Address == slow).Text, StringComparison.Ordinal);
        Assert.DoesNotContain(view.Rows, r => r.Address != slow && r.Slow);
        Assert.True(view.Line("p99", slow) is { Slow: true }, $"the p99 line of {slow} is not drawn as slow");
        Assert.True(view.Line("p99", slow)!.Last >= 100, $"the p99 of {slow} is {view.Line("p99", slow)!.Last} ms");
        _browser.SaveScreenshot(Path.Combine(AppContext.BaseDirectory, "dashboard-slow.png"));
    }

    [Fact]
    public async Task Picker_ListsARawlyRegisteredService_AndChoosingItShowsItsInstance()
    {
        var service = "orders-" + Guid.NewGuid().ToString("N")[..8];
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_cluster.RegistryPort}");
        var registry = new RegistryApi.RegistryClient(channel);
        var lease = await registry.RegisterAsync(
            new RegisterRequest { Service = service, Address = "127.0.0.1:5999", Metadata = { ["team"] = "<b>shipping</b>" } },
            deadline: DateTime.UtcNow.AddSeconds(10));
        using var stop = new CancellationTokenSource();
        var renewing = RenewAsync(registry, lease, stop.Token);
        try
        {
            OpenPage();
            WaitFor(v => v.Services.Contains(service) && v.Services.Contains("calculator"), $"the picker lists {service} beside calculator");

            Pick(service);

            WaitFor(v => v.Shown == service && v.Instances.Any(i => i.StartsWith("127.0.0.1:5999 ", StringComparison.Ordinal)), $"choosing {service} shows its instance");
            var instance = ChartView.Read(_browser).Instances.Single();
            Assert.Contains("team=<b>shipping</b>", instance, StringComparison.Ordinal);
            Assert.Equal(0L, Convert.ToInt64(_browser.Script("return document.querySelectorAll('#instances b').length;")));
            Assert.Equal(true, _browser.Script("return document.getElementById('followed-panels').hidden;"));

            Pick("calculator");
            WaitFor(v => v.Shown == "calculator" && v.Rows.Count >= 2, "choosing calculator again shows its servers and panels");
            Assert.Equal(false, _browser.Script("return document.getElementById('followed-panels').hidden;"));
        }
        finally
        {
            await stop.CancelAsync();
            await renewing;
        }
    }

    private static bool HasRisen(ChartLine line) => line.Last is > 1;

    private static async Task RenewAsync(RegistryApi.RegistryClient registry, RegisterResponse lease, CancellationToken cancellationToken)
    {
        // The lease is the test's own; it is kept alive at the cadence the registry asked for.
        using var timer = new PeriodicTimer(lease.RenewInterval.ToTimeSpan());
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await registry.RenewAsync(new RenewRequest { LeaseId = lease.LeaseId }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Grpc.Core.RpcException ex) when (ex.StatusCode == Grpc.Core.StatusCode.Cancelled)
        {
        }
    }

    private void Pick(string service) =>
        _browser.Script($"const s = document.getElementById('service-picker'); s.value = {System.Text.Json.JsonSerializer.Serialize(service)}; s.dispatchEvent(new Event('change'));");

    private void OpenPage()
    {
        _browser.Open(_cluster.DashboardUrl);
        _browser.WaitUntil(_ => _browser.Script("return document.body.dataset.version || null;") is not null, "the page has its first snapshot");
    }

    private void WaitFor(Func<ChartView, bool> condition, string what, TimeSpan? timeout = null) =>
        _browser.WaitUntil(_ => condition(ChartView.Read(_browser)), what, timeout);
}
