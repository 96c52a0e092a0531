namespace Roundabout.Contracts;

/// <summary>
/// The registry metadata a server advertises beside the user's own (<c>--metadata</c>), for the
/// dashboard and other tools to read: where its metrics are and where its accumulators live.
/// </summary>
public static class MetadataKeys
{
    /// <summary>host:port of the server's metrics endpoint (Prometheus text at /metrics), when it has one.</summary>
    public const string Metrics = "metrics";

    /// <summary>The server's store as --store spells it (addresses only): see <see cref="StoreAddress"/>.</summary>
    public const string Store = "store";

    /// <summary>The faults a server injects on purpose, as <c>latency:2s@0.1,errors:0.05</c>; absent when none.</summary>
    public const string Faults = "faults";
}
