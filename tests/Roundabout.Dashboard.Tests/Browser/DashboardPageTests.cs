using System.Diagnostics;
using OpenQA.Selenium;

namespace Roundabout.Dashboard.Tests.Browser;

/// <summary>The page in a real headless Chromium, against a real cluster of processes: it follows the system live, with no reload.</summary>
[Trait("Tier", "Browser")]
[Trait(Tier.Name, Tier.Process)]
public sealed class DashboardPageTests(LiveCluster live) : IClassFixture<LiveCluster>
{
    private readonly DashboardCluster _cluster = live.Cluster;
    private readonly HeadlessChromium _browser = live.Browser;

    [Fact]
    public void Page_ListsTheRunningServers_WithHeadingsAndTableHeaders()
    {
        OpenPage();

        WaitFor(v => v.Servers.Count(s => s.Serving) >= 2, "both servers are listed as serving");

        Assert.Equal("Roundabout", _browser.Driver.FindElement(By.TagName("h1")).Text);
        Assert.StartsWith("Servers", _browser.Driver.FindElement(By.Id("servers-heading")).Text, StringComparison.Ordinal);
        var headers = _browser.Driver.FindElements(By.CssSelector("#servers thead th[scope=col]")).Select(h => h.Text).ToArray();
        Assert.Equal(["Address", "Health", "Requests/s", "Latency", "Last renewal", "Suspect", "Metadata"], headers);
        var view = PageView.Read(_browser);
        Assert.Contains(view.Servers, s => s.Latency.Contains("health-probe round trip", StringComparison.Ordinal) && s.Rate.Contains("no metrics endpoint", StringComparison.Ordinal));
        Assert.Contains(_cluster.RegistryAddress, view.Footer, StringComparison.Ordinal);
        Assert.False(view.BannerShown);
        _browser.SaveScreenshot(Path.Combine(AppContext.BaseDirectory, "dashboard-servers.png"));
    }

    [Fact]
    public async Task KilledServer_DisappearsWithinTheEvictionTimePlusOneSecond_WithoutAReload()
    {
        var (server, address) = await _cluster.StartServerAsync();
        OpenPage();
        WaitFor(v => v.Server(address) is not null, $"{address} is listed");
        MarkPage();

        var killed = Stopwatch.StartNew();
        server.Kill();
        WaitFor(v => v.Server(address) is null, $"{address} is gone from the page", DashboardCluster.Ttl + TimeSpan.FromSeconds(1));
        killed.Stop();

        Assert.True(killed.Elapsed <= DashboardCluster.Ttl + TimeSpan.FromSeconds(1), $"took {killed.Elapsed.TotalSeconds:0.00} s");
        AssertNotReloaded();
        Assert.True(PageView.Read(_browser).TimelineHas("evicted", address), $"the timeline does not show {address} evicted");
    }

    [Fact]
    public async Task NewServer_AppearsWithoutAReload()
    {
        OpenPage();
        WaitFor(v => v.Servers.Count >= 2, "the first servers are listed");
        MarkPage();

        var (_, address) = await _cluster.StartServerAsync();

        WaitFor(v => v.Server(address) is not null && v.TimelineHas("joined", address), $"{address} appears, and joins in the timeline", TimeSpan.FromSeconds(5));
        WaitFor(v => v.Server(address) is { Serving: true }, $"{address} is probed healthy");
        AssertNotReloaded();
    }

    [Fact]
    public async Task Multiply_UpdatesTheAccumulatorShown()
    {
        var name = "dash-" + Guid.NewGuid().ToString("N")[..8];
        OpenPage();
        WaitFor(v => v.Accumulator("global") is not null, "the global accumulator is shown");
        MarkPage();

        await _cluster.RunClientAsync("multiply", "6", "--name", name);
        WaitFor(v => v.Accumulator(name) == "6", $"accumulator {name} shows 6");
        await _cluster.RunClientAsync("multiply", "7", "--name", name);
        WaitFor(v => v.Accumulator(name) == "42", $"accumulator {name} shows 42");

        AssertNotReloaded();
    }

    [Fact]
    public async Task MetadataWithHtml_IsShownAsText_AndRunsNothing()
    {
        const string note = "<script>window.__injected = 1</script><b>bold</b><img src=x onerror=\"window.__injected = 2\">";
        var (_, address) = await _cluster.StartServerAsync("--metadata", "note=" + note);
        OpenPage();

        WaitFor(v => v.Server(address) is not null, $"{address} is listed");
        var row = PageView.Read(_browser).Server(address)!;

        // Beside the user's entry, the server advertises its store (the embedded database here).
        Assert.Equal(["note=" + note], row.Metadata.Where(m => !m.StartsWith("store=roundabout://", StringComparison.Ordinal)));
        Assert.Single(row.Metadata, m => m.StartsWith("store=roundabout://", StringComparison.Ordinal));
        Assert.Equal(0, row.Markup);
        Assert.Null(_browser.Script("return window.__injected;"));
    }

    private void OpenPage()
    {
        _browser.Open(_cluster.DashboardUrl);
        WaitFor(v => v.Version is not null, "the page has its first snapshot");
    }

    private void WaitFor(Func<PageView, bool> condition, string what, TimeSpan? timeout = null) =>
        _browser.WaitUntil(_ => condition(PageView.Read(_browser)), what, timeout);

    /// <summary>A mark in the page's window: a reload would wipe it.</summary>
    private void MarkPage() => _browser.Script("window.__sameDocument = 'still here';");

    private void AssertNotReloaded() => Assert.Equal("still here", _browser.Script("return window.__sameDocument;"));
}
