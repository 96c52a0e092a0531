using System.Text.Json;

namespace Roundabout.Dashboard.Tests.Browser;

/// <summary>The charts' lines and the picker as the page shows them, read in one script call.</summary>
internal sealed record ChartView(IReadOnlyList<ChartLine> Lines, IReadOnlyList<string> Services, string? Shown, IReadOnlyList<string> Instances, IReadOnlyList<SlowRow> Rows)
{
    private const string Script = """
        return JSON.stringify({
          lines: Array.from(document.querySelectorAll("svg[data-chart] path")).map(p => ({
            chart: p.closest("svg").dataset.chart,
            series: p.dataset.series,
            points: Number(p.dataset.points),
            last: p.dataset.last === "" ? null : Number(p.dataset.last),
            d: p.getAttribute("d"),
            slow: p.classList.contains("slow"),
          })),
          services: Array.from(document.querySelectorAll("#service-picker option")).map(o => o.value),
          shown: document.body.dataset.service || null,
          instances: document.getElementById("other-service").hidden ? [] :
            Array.from(document.querySelectorAll("#instances tbody tr")).map(r => r.dataset.address + " " + r.textContent),
          rows: Array.from(document.querySelectorAll("#servers tbody tr")).map(r => ({
            address: r.dataset.address, slow: r.dataset.slow === "true", faults: r.dataset.faults || null, text: r.querySelector("th").textContent,
          })),
        });
        """;

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    public static ChartView Read(HeadlessChromium browser) =>
        JsonSerializer.Deserialize<ChartView>((string)browser.Script(Script)!, _json)!;

    public ChartLine? Line(string chart, string series) => Lines.FirstOrDefault(l => l.Chart == chart && l.Series == series);
}

internal sealed record ChartLine(string Chart, string Series, int Points, double? Last, string D, bool Slow);

internal sealed record SlowRow(string Address, bool Slow, string? Faults, string Text);
