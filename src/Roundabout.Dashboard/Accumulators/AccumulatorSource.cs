using Roundabout.Contracts;

namespace Roundabout.Dashboard.Accumulators;

/// <summary>
/// Where one round read the accumulators, as the page says it: the embedded database, which the
/// dashboard lists itself, or a Redis or etcd store the servers use, read through a server.
/// </summary>
internal sealed record AccumulatorSource(string Description, bool Listed)
{
    public static AccumulatorSource Database(EndpointAddress database) => new($"the database at {database}", Listed: true);

    public static AccumulatorSource ThroughServer(string store, string server) => new($"{Describe(store)}, through the server at {server}", Listed: false);

    /// <summary>The store a server advertises, or null when it keeps its accumulators in the embedded database (or does not say).</summary>
    public static string? ExternalStore(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(MetadataKeys.Store, out var store) && !store.StartsWith(StoreSchemes.Embedded, StringComparison.OrdinalIgnoreCase) ? store : null;

    private static string Describe(string store)
    {
        var separator = store.IndexOf("://", StringComparison.Ordinal);
        if (separator < 0)
        {
            return store;
        }

        var scheme = store[..separator].ToLowerInvariant();
        var name = scheme switch { "redis" => "Redis", "etcd" => "etcd", _ => scheme };
        return $"{name} at {store[(separator + 3)..]}";
    }
}
