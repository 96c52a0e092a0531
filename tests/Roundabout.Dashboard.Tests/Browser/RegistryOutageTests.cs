namespace Roundabout.Dashboard.Tests.Browser;

/// <summary>The registry dies and comes back: the page says so in a banner, then recovers by itself.</summary>
[Trait("Tier", "Browser")]
[Trait(Tier.Name, Tier.Process)]
public sealed class RegistryOutageTests
{
    [Fact]
    public async Task RegistryKilled_BannerShows_ThenClearsWhenItReturns()
    {
        await using var cluster = await DashboardCluster.StartAsync(servers: 1);
        using var browser = HeadlessChromium.Start();
        browser.Open(cluster.DashboardUrl);
        WaitFor(browser, v => v.Servers.Count == 1 && !v.BannerShown, "the server is listed and no banner shows");
        browser.Script("window.__sameDocument = 'still here';");

        cluster.Registry.Kill();
        WaitFor(browser, v => v.BannerShown, "the unreachable banner shows", TimeSpan.FromSeconds(10));
        var down = PageView.Read(browser);
        Assert.Contains("Registry unreachable", down.Banner, StringComparison.Ordinal);
        Assert.Contains(cluster.RegistryAddress, down.Banner, StringComparison.Ordinal);
        Assert.Single(down.Servers);

        await cluster.StartRegistryAsync(cluster.RegistryPort);
        WaitFor(browser, v => !v.BannerShown, "the banner clears once the registry is back", TimeSpan.FromSeconds(20));
        // The server registers again at its next renewal, and the page lists it from the new registry.
        WaitFor(browser, v => v.Servers.Count == 1 && v.Servers[0].Serving, "the server is listed again", TimeSpan.FromSeconds(20));
        var back = PageView.Read(browser);
        Assert.Contains(back.Timeline, e => e.Kind == "registry-unreachable");
        Assert.Contains(back.Timeline, e => e.Kind == "registry-reachable");
        Assert.Equal("still here", browser.Script("return window.__sameDocument;"));
    }

    private static void WaitFor(HeadlessChromium browser, Func<PageView, bool> condition, string what, TimeSpan? timeout = null) =>
        browser.WaitUntil(_ => condition(PageView.Read(browser)), what, timeout);
}
