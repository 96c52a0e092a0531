using System.Globalization;
using Roundabout.Cli.ClientSetup;

namespace Roundabout.Cli.Bench;

/// <summary>What a load run measured.</summary>
public sealed record BenchReport(
    BenchOperation Operation,
    int Concurrency,
    long Requests,
    long Errors,
    TimeSpan Elapsed,
    LatencySummary Latency,
    IReadOnlyDictionary<string, long> Servers,
    IReadOnlyDictionary<string, long> ErrorsByStatus)
{
    public double Rps => Elapsed > TimeSpan.Zero ? Requests / Elapsed.TotalSeconds : 0;

    /// <summary>The balancing policy the client used, as the option spells it (round-robin, p2c).</summary>
    public string Policy { get; init; } = "round-robin";

    /// <summary>The run's planned length, when it was given as a duration.</summary>
    public TimeSpan? PlannedDuration { get; init; }

    /// <summary>The run's planned count, when it was given as a number of requests.</summary>
    public long? PlannedRequests { get; init; }

    /// <summary>Stopped before its planned end (Ctrl-C): the figures cover the part that ran.</summary>
    public bool Interrupted { get; init; }

    /// <summary>Set for an open-loop run (<c>--rps</c>): its rate, timeout and calls on time.</summary>
    public OpenLoopFigures? OpenLoop { get; init; }

    /// <summary>The version of the code that measured, with its commit.</summary>
    public string Version { get; init; } = CodeVersion.Text;

    /// <summary>
    /// <c>{"operation":"sum","concurrency":16,"policy":"round-robin","duration_s":10,"requests_planned":null,
    /// "elapsed_s":10.01,"interrupted":false,"version":"1.0.0+abc","requests":N,"errors":N,"rps":X,
    /// "latency_ms":{"p50":..,"p90":..,"p99":..,"max":..},"servers":{..},"errors_by_status":{..}}</c>.
    /// </summary>
    public string ToJson() => ClientJson.Write(w =>
    {
        w.WriteString("operation", Operation.ToString().ToLowerInvariant());
        if (OpenLoop is { } open)
        {
            w.WriteString("mode", "open-loop");
            w.WriteNumber("rps_target", open.Rate);
            w.WriteNumber("timeout_s", Math.Round(open.Timeout.TotalSeconds, 3));
        }
        else
        {
            w.WriteNumber("concurrency", Concurrency);
        }

        w.WriteString("policy", Policy);
        if (PlannedDuration is { } plannedDuration)
        {
            w.WriteNumber("duration_s", Math.Round(plannedDuration.TotalSeconds, 3));
        }
        else
        {
            w.WriteNull("duration_s");
        }

        if (PlannedRequests is { } plannedCount)
        {
            w.WriteNumber("requests_planned", plannedCount);
        }
        else
        {
            w.WriteNull("requests_planned");
        }

        w.WriteNumber("elapsed_s", Math.Round(Elapsed.TotalSeconds, 3));
        w.WriteBoolean("interrupted", Interrupted);
        w.WriteString("version", Version);
        w.WriteNumber("requests", Requests);
        w.WriteNumber("errors", Errors);
        w.WriteNumber("rps", Math.Round(Rps, 1));
        w.WriteStartObject("latency_ms");
        w.WriteNumber("p50", Math.Round(Latency.P50, 3));
        w.WriteNumber("p90", Math.Round(Latency.P90, 3));
        w.WriteNumber("p99", Math.Round(Latency.P99, 3));
        if (OpenLoop is not null)
        {
            w.WriteNumber("p99.9", Math.Round(Latency.P999, 3));
        }

        w.WriteNumber("max", Math.Round(Latency.Max, 3));
        w.WriteEndObject();
        if (OpenLoop is { } figures)
        {
            w.WriteNumber("succeeded_within_timeout", figures.OnTime);
            w.WriteNumber("success_share", Math.Round(figures.OnTimeShare(Requests), 5));
        }

        w.WriteStartObject("servers");
        foreach (var (server, count) in Servers.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WriteNumber(server, count);
        }

        w.WriteEndObject();
        w.WriteStartObject("errors_by_status");
        foreach (var (status, count) in ErrorsByStatus.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WriteNumber(status, count);
        }

        w.WriteEndObject();
    });

    /// <summary>The human-readable summary.</summary>
    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        var op = Operation.ToString().ToLowerInvariant();
        var lines = OpenLoop is { } open
            ? new List<string>
            {
                string.Create(c, $"[Client] Bench {op}: {Requests} requests at {open.Rate} requests/s, open loop ({Policy}) in {Elapsed.TotalSeconds:0.00} s")
                    + (Interrupted ? " (interrupted)" : string.Empty),
                string.Create(c, $"Throughput: {Rps:0.0} requests/s"),
                string.Create(c, $"Latency from each call's planned start (ms): p50 {Latency.P50:0.000}  p99 {Latency.P99:0.000}  p99.9 {Latency.P999:0.000}  max {Latency.Max:0.000}"),
                string.Create(c, $"Succeeded within {open.Timeout.TotalSeconds:0.###} s: {open.OnTimeShare(Requests) * 100:0.00}% ({open.OnTime} of {Requests})"),
                "Requests per server:",
            }
            : new List<string>
            {
                string.Create(c, $"[Client] Bench {op}: {Requests} requests at concurrency {Concurrency} ({Policy}) in {Elapsed.TotalSeconds:0.00} s")
                    + (Interrupted ? " (interrupted)" : string.Empty),
                string.Create(c, $"Throughput: {Rps:0.0} requests/s"),
                string.Create(c, $"Latency (ms): p50 {Latency.P50:0.000}  p90 {Latency.P90:0.000}  p99 {Latency.P99:0.000}  max {Latency.Max:0.000}"),
                "Requests per server:",
            };
        lines.AddRange(Servers.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => string.Create(c, $"  {p.Key,-24} {p.Value}")));
        if (Servers.Count == 0)
        {
            lines.Add("  (none answered)");
        }

        lines.Add(Errors == 0
            ? "Errors: 0"
            : string.Create(c, $"Errors: {Errors} ({string.Join(", ", ErrorsByStatus.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))})"));
        return string.Join(Environment.NewLine, lines);
    }
}
