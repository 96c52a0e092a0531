namespace Roundabout.Dashboard.History;

/// <summary>One server at one sample: its Calculator traffic (from metrics) and the dashboard's own health-probe round trip.</summary>
public sealed record ServerPoint(DateTimeOffset At, double? RequestsPerSecond, double? P50Ms, double? P99Ms, double? ErrorRate, double? ProbeMs);

/// <summary>
/// The registry, the database and the accumulators at one sample: whether each answered the
/// dashboard, how long the answer took, and the database's commits to the shown accumulators
/// per second (from their versions), with each accumulator's value.
/// </summary>
public sealed record SystemPoint(
    DateTimeOffset At,
    bool RegistryUp,
    double? RegistryMs,
    bool DatabaseUp,
    double? DatabaseMs,
    double? CommitsPerSecond,
    IReadOnlyDictionary<string, double> Accumulators);

/// <summary>The points of one sample, sent with each snapshot so a page extends its charts live.</summary>
public sealed record HistorySample(DateTimeOffset At, IReadOnlyDictionary<string, ServerPoint> Servers, SystemPoint System);

/// <summary>Everything kept: the last <see cref="WindowSeconds"/> of samples, for a page that has just opened.</summary>
public sealed record HistoryView(double WindowSeconds, double IntervalSeconds, IReadOnlyDictionary<string, IReadOnlyList<ServerPoint>> Servers, IReadOnlyList<SystemPoint> System);
