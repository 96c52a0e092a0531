namespace Roundabout.Contracts;

/// <summary>
/// The registry metadata a server advertises beside the user's own (<c>--metadata</c>), for the
/// dashboard and other tools to read: where its metrics are and where its accumulators live.
/// </summary>
public static class MetadataKeys
{
    /// <summary>host:port of the server's metrics endpoint (Prometheus text at /metrics), when it has one.</summary>
    public const string Metrics = "metrics";

    /// <summary>The server's store as --store spells it (addresses only): see <see cref="StoreSchemes"/>.</summary>
    public const string Store = "store";
}

/// <summary>The schemes of a store URI (<c>--store</c>, and the <see cref="MetadataKeys.Store"/> entry).</summary>
public static class StoreSchemes
{
    /// <summary>The embedded database: <c>roundabout://host:port</c>.</summary>
    public const string Embedded = "roundabout://";

    /// <summary>Redis: <c>redis://host:port[,host:port...]</c>.</summary>
    public const string Redis = "redis://";

    /// <summary>etcd: <c>etcd://host:port[,host:port...]</c>.</summary>
    public const string Etcd = "etcd://";
}
