namespace Roundabout.Contracts;

/// <summary>Which engine holds the accumulators.</summary>
public enum StoreKind
{
    /// <summary>Roundabout's own database (<c>roundabout://host:port</c>).</summary>
    Embedded,

    /// <summary>Redis, or a server that speaks its protocol (<c>redis://host:port[,host:port...]</c>).</summary>
    Redis,

    /// <summary>etcd, replicated by Raft (<c>etcd://host:port[,host:port...]</c>).</summary>
    Etcd,
}

/// <summary>Where the accumulators live: <c>roundabout://host:port</c>, <c>redis://host:port[,host:port...]</c> or <c>etcd://host:port[,host:port...]</c>.</summary>
public sealed record StoreAddress(StoreKind Kind, IReadOnlyList<EndpointAddress> Endpoints)
{
    public const string EmbeddedScheme = "roundabout://";
    public const string RedisScheme = "redis://";
    public const string EtcdScheme = "etcd://";

    public static StoreAddress Embedded(EndpointAddress database) => new(StoreKind.Embedded, [database]);

    public static StoreAddress Redis(IReadOnlyList<EndpointAddress> endpoints) => new(StoreKind.Redis, endpoints);

    public static StoreAddress Etcd(IReadOnlyList<EndpointAddress> endpoints) => new(StoreKind.Etcd, endpoints);

    /// <summary>How log lines name it: <c>the database at localhost:8001</c>, <c>Redis at localhost:6379</c>, <c>etcd at host:port,...</c>.</summary>
    public string Named => Kind switch
    {
        StoreKind.Redis => "Redis at ",
        StoreKind.Etcd => "etcd at ",
        _ => "the database at ",
    } + string.Join(',', Endpoints);

    /// <summary>What to check when it cannot be reached, said after its name in an error.</summary>
    public string RunningAdvice => Kind switch
    {
        StoreKind.Redis => "check that Redis is running",
        StoreKind.Etcd => "check that a majority of its members run",
        _ => $"check that the database is running ('roundabout database --port {Endpoints[0].Port}')",
    };

    public override string ToString() =>
        Kind switch { StoreKind.Redis => RedisScheme, StoreKind.Etcd => EtcdScheme, _ => EmbeddedScheme } + string.Join(',', Endpoints);

    /// <summary>Parses a store URI, or throws <see cref="FormatException"/> with a message that says what is expected.</summary>
    public static StoreAddress Parse(string? text)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.StartsWith(RedisScheme, StringComparison.OrdinalIgnoreCase))
        {
            return Redis(EndpointAddress.ParseList(trimmed[RedisScheme.Length..].TrimEnd('/')));
        }

        if (trimmed.StartsWith(EtcdScheme, StringComparison.OrdinalIgnoreCase))
        {
            return Etcd(EndpointAddress.ParseList(trimmed[EtcdScheme.Length..].TrimEnd('/')));
        }

        if (trimmed.StartsWith(EmbeddedScheme, StringComparison.OrdinalIgnoreCase))
        {
            var endpoints = EndpointAddress.ParseList(trimmed[EmbeddedScheme.Length..].TrimEnd('/'));
            return endpoints.Count == 1
                ? Embedded(endpoints[0])
                : throw new FormatException("the embedded database takes one address: roundabout://host:port");
        }

        throw new FormatException(
            $"'{trimmed}' is not a store address; expected roundabout://host:port (the embedded database), redis://host:port[,host:port...] or etcd://host:port[,host:port...]");
    }
}
