using Roundabout.Contracts;

namespace Roundabout.Server;

/// <summary>Which engine holds the accumulators.</summary>
public enum StoreKind
{
    /// <summary>Roundabout's own database (<c>roundabout://host:port</c>).</summary>
    Embedded,

    /// <summary>Redis, or a server that speaks its protocol (<c>redis://host:port[,host:port...]</c>).</summary>
    Redis,
}

/// <summary>Where the accumulators live: <c>roundabout://host:port</c> or <c>redis://host:port[,host:port...]</c>.</summary>
public sealed record StoreAddress(StoreKind Kind, IReadOnlyList<EndpointAddress> Endpoints)
{
    public const string EmbeddedScheme = "roundabout://";
    public const string RedisScheme = "redis://";

    public static StoreAddress Embedded(EndpointAddress database) => new(StoreKind.Embedded, [database]);

    public static StoreAddress Redis(IReadOnlyList<EndpointAddress> endpoints) => new(StoreKind.Redis, endpoints);

    public override string ToString() =>
        (Kind == StoreKind.Redis ? RedisScheme : EmbeddedScheme) + string.Join(',', Endpoints);

    /// <summary>Parses a store URI, or throws <see cref="FormatException"/> with a message that says what is expected.</summary>
    public static StoreAddress Parse(string? text)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.StartsWith(RedisScheme, StringComparison.OrdinalIgnoreCase))
        {
            return Redis(EndpointAddress.ParseList(trimmed[RedisScheme.Length..].TrimEnd('/')));
        }

        if (trimmed.StartsWith(EmbeddedScheme, StringComparison.OrdinalIgnoreCase))
        {
            var endpoints = EndpointAddress.ParseList(trimmed[EmbeddedScheme.Length..].TrimEnd('/'));
            return endpoints.Count == 1
                ? Embedded(endpoints[0])
                : throw new FormatException("the embedded database takes one address: roundabout://host:port");
        }

        throw new FormatException(
            $"'{trimmed}' is not a store address; expected roundabout://host:port (the embedded database) or redis://host:port[,host:port...]");
    }
}
