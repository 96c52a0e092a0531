using System.Text.Json;

namespace Roundabout.Dashboard.Tests.Browser;

/// <summary>
/// What the page shows, read in one script call: the page redraws as snapshots arrive, so
/// elements found one by one could go stale between two reads.
/// </summary>
internal sealed record PageView(
    string? Version,
    bool BannerShown,
    string Banner,
    string Footer,
    IReadOnlyList<PageRow> Servers,
    IReadOnlyList<PageAccumulator> Accumulators,
    IReadOnlyList<PageEvent> Timeline)
{
    private const string Script = """
        const text = (root, selector) => { const n = root.querySelector(selector); return n ? n.textContent : ""; };
        const banner = document.getElementById("registry-banner");
        return JSON.stringify({
          version: document.body.dataset.version || null,
          bannerShown: !banner.hidden,
          banner: banner.textContent,
          footer: text(document, "#footer"),
          servers: Array.from(document.querySelectorAll("#servers tbody tr")).map(r => ({
            address: r.dataset.address,
            health: text(r, "td.health"),
            rate: text(r, "td.rate"),
            latency: text(r, "td.latency"),
            metadata: Array.from(r.querySelectorAll("li[data-key]")).map(li => li.textContent),
            markup: r.querySelectorAll("b, script, img, iframe").length,
          })),
          accumulators: Array.from(document.querySelectorAll("#accumulators tbody tr")).map(r => ({
            name: r.dataset.name,
            value: r.querySelector("td.value").dataset.value,
          })),
          timeline: Array.from(document.querySelectorAll("#timeline li[data-kind]")).map(li => ({ kind: li.dataset.kind, address: li.dataset.address })),
        });
        """;

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    public static PageView Read(HeadlessChromium browser) =>
        JsonSerializer.Deserialize<PageView>((string)browser.Script(Script)!, _json)!;

    public PageRow? Server(string address) => Servers.FirstOrDefault(s => s.Address == address);

    public string? Accumulator(string name) => Accumulators.FirstOrDefault(a => a.Name == name)?.Value;

    public bool TimelineHas(string kind, string address) => Timeline.Any(e => e.Kind == kind && e.Address == address);
}

internal sealed record PageRow(string Address, string Health, string Rate, string Latency, IReadOnlyList<string> Metadata, int Markup)
{
    public bool Serving => Health.Contains("\u2713 serving", StringComparison.Ordinal);
}

internal sealed record PageAccumulator(string Name, string Value);

internal sealed record PageEvent(string Kind, string Address);
