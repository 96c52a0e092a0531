using System.Text.Json;
using Roundabout.Cli.Bench;
using Roundabout.Cli.ClientSetup;
using Roundabout.Client;

namespace Roundabout.Cli.Tests;

[Trait(Tier.Name, Tier.Unit)]
public sealed class JsonShapeTests
{
    [Fact]
    public void SumResult_IsResultAndServerAsStrings()
    {
        Assert.Equal("""{"result":"5","server":"localhost:9001"}""", ClientJson.Of(new CalculationResult("5", "localhost:9001")));
    }

    [Fact]
    public void MultiplyResult_CarriesTheNameAndTheRequestId()
    {
        var json = JsonDocument.Parse(ClientJson.Of(new MultiplyResult("120", "localhost:9002", "global", false, "abc"))).RootElement;

        Assert.Equal("120", json.GetProperty("result").GetString());
        Assert.Equal("localhost:9002", json.GetProperty("server").GetString());
        Assert.Equal("global", json.GetProperty("name").GetString());
        Assert.False(json.GetProperty("replayed").GetBoolean());
        Assert.Equal("abc", json.GetProperty("request_id").GetString());
    }

    [Fact]
    public void Servers_AreAnArrayWithAddressRenewalSuspectAndMetadata()
    {
        var renewed = new DateTimeOffset(2026, 1, 17, 20, 7, 28, TimeSpan.Zero);
        var json = JsonDocument.Parse(ClientJson.Of([
            new ServerInfo("localhost:9001", new Dictionary<string, string> { ["version"] = "1" }, renewed, renewed, false),
            new ServerInfo("localhost:9002", new Dictionary<string, string>(), null, null, true),
        ])).RootElement;

        Assert.Equal(JsonValueKind.Array, json.ValueKind);
        var first = json[0];
        Assert.Equal("localhost:9001", first.GetProperty("address").GetString());
        Assert.Equal("2026-01-17T20:07:28.000Z", first.GetProperty("last_renewed_at").GetString());
        Assert.False(first.GetProperty("suspect").GetBoolean());
        Assert.Equal("1", first.GetProperty("metadata").GetProperty("version").GetString());
        Assert.True(json[1].GetProperty("suspect").GetBoolean());
        Assert.Equal(JsonValueKind.Null, json[1].GetProperty("last_renewed_at").ValueKind);
    }

    [Fact]
    public void OpenLoopBenchReport_HasItsRateTimeoutP999AndSuccessShare_InPlaceOfTheConcurrency()
    {
        var report = new BenchReport(
            BenchOperation.Sum,
            0,
            1000,
            1,
            TimeSpan.FromSeconds(5),
            new LatencySummary(1.5, 2.5, 9.25, 1001) { P999 = 950 },
            new Dictionary<string, long> { ["localhost:9001"] = 999 },
            new Dictionary<string, long> { ["DeadlineExceeded"] = 1 })
        {
            Policy = "ewma",
            PlannedDuration = TimeSpan.FromSeconds(5),
            OpenLoop = new OpenLoopFigures(200, TimeSpan.FromSeconds(1), 998),
        };

        var json = JsonDocument.Parse(report.ToJson()).RootElement;

        Assert.Equal("open-loop", json.GetProperty("mode").GetString());
        Assert.Equal(200, json.GetProperty("rps_target").GetInt32());
        Assert.Equal(1, json.GetProperty("timeout_s").GetDouble());
        Assert.False(json.TryGetProperty("concurrency", out _));
        Assert.Equal(950, json.GetProperty("latency_ms").GetProperty("p99.9").GetDouble());
        Assert.Equal(998, json.GetProperty("succeeded_within_timeout").GetInt64());
        Assert.Equal(0.998, json.GetProperty("success_share").GetDouble());
        var text = report.ToText();
        Assert.Contains("1000 requests at 200 requests/s, open loop (ewma)", text, StringComparison.Ordinal);
        Assert.Contains("p99 9.250  p99.9 950.000  max 1001.000", text, StringComparison.Ordinal);
        Assert.Contains("Succeeded within 1 s: 99.80% (998 of 1000)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void BenchReport_HasTheDocumentedShape()
    {
        var report = new BenchReport(
            BenchOperation.Sum,
            16,
            1000,
            2,
            TimeSpan.FromSeconds(2),
            new LatencySummary(1.5, 2.5, 9.25, 20),
            new Dictionary<string, long> { ["localhost:9001"] = 500, ["localhost:9002"] = 498 },
            new Dictionary<string, long> { ["Unavailable"] = 2 })
        {
            Policy = "p2c",
            PlannedDuration = TimeSpan.FromSeconds(10),
            Interrupted = true,
        };

        var json = JsonDocument.Parse(report.ToJson()).RootElement;

        Assert.Equal("sum", json.GetProperty("operation").GetString());
        Assert.Equal(16, json.GetProperty("concurrency").GetInt32());
        Assert.Equal("p2c", json.GetProperty("policy").GetString());
        Assert.Equal(10, json.GetProperty("duration_s").GetDouble());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("requests_planned").ValueKind);
        Assert.Equal(2, json.GetProperty("elapsed_s").GetDouble());
        Assert.True(json.GetProperty("interrupted").GetBoolean());
        Assert.StartsWith("1.0.0", json.GetProperty("version").GetString(), StringComparison.Ordinal);

        Assert.Equal(1000, json.GetProperty("requests").GetInt64());
        Assert.Equal(2, json.GetProperty("errors").GetInt64());
        Assert.Equal(500, json.GetProperty("rps").GetDouble());
        var latency = json.GetProperty("latency_ms");
        Assert.Equal(1.5, latency.GetProperty("p50").GetDouble());
        Assert.Equal(2.5, latency.GetProperty("p90").GetDouble());
        Assert.Equal(9.25, latency.GetProperty("p99").GetDouble());
        Assert.Equal(20, latency.GetProperty("max").GetDouble());
        Assert.False(latency.TryGetProperty("p99.9", out _), "the closed loop's shape is unchanged");
        Assert.Equal(500, json.GetProperty("servers").GetProperty("localhost:9001").GetInt64());
        Assert.Equal(2, json.GetProperty("errors_by_status").GetProperty("Unavailable").GetInt64());
    }

    [Fact]
    public void LatencySummary_FromAHistogram_IsWithinOnePercentAndKeepsTheExactMax()
    {
        var histogram = LatencySummary.NewHistogram();
        foreach (var milliseconds in Enumerable.Range(1, 100).Reverse())
        {
            histogram.RecordValue(milliseconds * 1000L);
        }

        var summary = LatencySummary.From(histogram, maxMicroseconds: 100_123);

        Assert.InRange(summary.P50, 49.5, 50.5);
        Assert.InRange(summary.P90, 89.1, 90.9);
        Assert.InRange(summary.P99, 98.0, 100.0);
        Assert.Equal(100.123, summary.Max);
        Assert.Equal(new LatencySummary(0, 0, 0, 0), LatencySummary.From(LatencySummary.NewHistogram(), 0));
    }
}
