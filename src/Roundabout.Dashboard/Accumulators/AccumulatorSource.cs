using Roundabout.Contracts;

namespace Roundabout.Dashboard.Accumulators;

/// <summary>
/// Where one round read the accumulators, as the page says it: the embedded database, which the
/// dashboard lists itself, or a Redis or etcd store the servers use, read through a server.
/// </summary>
internal sealed record AccumulatorSource(string Description, bool Listed)
{
    public static AccumulatorSource Database(EndpointAddress database) => new($"the database at {database}", Listed: true);

    /// <summary>The database, read although some servers name another store, which is shown and not followed.</summary>
    public static AccumulatorSource DatabaseDespite(EndpointAddress database, string store, string server, bool given) =>
        new($"the database at {database} ({(given ? "named with --database" : "the servers do not all agree on another store")}; " +
            $"not followed: {Describe(store)}, named by {server})", Listed: true);

    public static AccumulatorSource ThroughServer(string store, string server) => new($"{Describe(store)}, through the server at {server}", Listed: false);

    /// <summary>The store a server advertises, or null when it keeps its accumulators in the embedded database (or does not say).</summary>
    public static string? ExternalStore(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(MetadataKeys.Store, out var store) && !store.StartsWith(StoreAddress.EmbeddedScheme, StringComparison.OrdinalIgnoreCase) ? store : null;

    /// <summary>How the server's logs name the store (<c>Redis at host:port</c>); the text itself when it is not a store URI.</summary>
    private static string Describe(string store)
    {
        try
        {
            return StoreAddress.Parse(store).Named;
        }
        catch (FormatException)
        {
            return store; // Metadata a user set by hand (--metadata store=...): shown as given.
        }
    }
}
