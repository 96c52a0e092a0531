namespace Roundabout.Dashboard.State;

/// <summary>Everything the page shows, as of one moment: what the browser receives on every change.</summary>
public sealed record DashboardSnapshot(
    long Version,
    DateTimeOffset Now,
    string Service,
    RegistryView Registry,
    IReadOnlyList<MemberView> Members,
    IReadOnlyList<TimelineEntry> Timeline,
    AccumulatorsView Accumulators,
    ServicesView Services,
    History.HistorySample? Latest);

/// <summary>Whether the registry answers; while it does not, the members shown are the last ones seen.</summary>
public sealed record RegistryView(bool Reachable, string Address, long Revision, DateTimeOffset? Since, string? Error, double? RoundTripMs = null);

/// <summary>One server as the registry lists it, with what the dashboard measured of it.</summary>
public sealed record MemberView(
    string Address,
    IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset? RegisteredAt,
    DateTimeOffset? LastRenewedAt,
    bool Suspect,
    HealthView Health,
    TrafficView Traffic);

/// <summary>
/// The last health probe of a server: <see cref="HealthStatus"/> names its outcome, and its
/// round trip is the dashboard's own latency sample for servers without a metrics endpoint.
/// </summary>
public sealed record HealthView(string Status, double? RoundTripMs, DateTimeOffset? CheckedAt, string? Error)
{
    public static HealthView Pending { get; } = new(HealthStatus.Checking, null, null, null);
}

/// <summary>The outcomes of a health probe, as the page receives them.</summary>
public static class HealthStatus
{
    public const string Checking = "checking";
    public const string Serving = "serving";
    public const string NotServing = "not-serving";
    public const string Unreachable = "unreachable";
}

/// <summary>
/// A server's Calculator requests: from its metrics endpoint (<see cref="TrafficSource.Metrics"/>)
/// when it advertises one, otherwise none (<see cref="TrafficSource.None"/>) and the page shows the
/// health probe's round trip instead, labelled as such.
/// </summary>
public sealed record TrafficView(
    string Source,
    string? Endpoint,
    double? RequestsPerSecond,
    double? MeanLatencyMs,
    string? Error,
    double? P50Ms = null,
    double? P99Ms = null,
    double? ErrorRate = null)
{
    public static TrafficView None { get; } = new(TrafficSource.None, null, null, null, null);
}

public static class TrafficSource
{
    public const string Metrics = "metrics";
    public const string None = "none";
}

/// <summary>One line of the membership timeline.</summary>
public sealed record TimelineEntry(DateTimeOffset At, string Kind, string Address, long Revision, string? Detail);

/// <summary>
/// The accumulators, and whether the last read worked. <see cref="Source"/> says where they were
/// read: <c>the database at host:port</c>, or, when the servers keep them in Redis or etcd,
/// <c>Redis at host:port, through the server at host:port</c>. Only the embedded database can be
/// listed (<see cref="Listed"/>); otherwise the named accumulators alone are shown.
/// </summary>
public sealed record AccumulatorsView(bool Reachable, string Source, bool Listed, IReadOnlyList<AccumulatorView> Items, bool Truncated, DateTimeOffset? ReadAt, string? Error, double? RoundTripMs = null);

/// <summary>
/// One accumulator: its exact value as decimal text, and whether the database holds it yet (an
/// absent one is 1). <see cref="Version"/> is the database's version of the key, null when read
/// through a server (which does not tell it).
/// </summary>
public sealed record AccumulatorView(string Name, string Value, long? Version, bool Stored);

/// <summary>The registry's services as last read, for the page's picker; <see cref="Truncated"/> when there were more than the dashboard keeps.</summary>
public sealed record ServicesView(IReadOnlyList<ServiceView> Items, bool Truncated, DateTimeOffset? ReadAt, string? Error)
{
    public static ServicesView Empty { get; } = new([], false, null, "not read yet");
}

/// <summary>One service: its counts as the registry gives them, and its instances (at most the dashboard's limit).</summary>
public sealed record ServiceView(string Name, int Instances, int Suspect, IReadOnlyList<InstanceView> Members, bool Truncated, string? Error);

/// <summary>One instance of any service, as listed: no probe or metrics (those are the followed service's).</summary>
public sealed record InstanceView(string Address, IReadOnlyDictionary<string, string> Metadata, DateTimeOffset? RegisteredAt, DateTimeOffset? LastRenewedAt, bool Suspect)
{
    internal static InstanceView From(Member m) => new(m.Address, m.Metadata, m.RegisteredAt, m.LastRenewedAt, m.Suspect);
}
