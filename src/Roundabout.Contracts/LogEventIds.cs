namespace Roundabout.Contracts;

/// <summary>
/// The event ids of the log messages, a range per component, so that no two messages of the
/// system share an id and an id says which component wrote it (docs/operations.md, "Event ids").
/// Each component's <c>Log</c> class takes its ids from its range; a test holds every
/// <c>[LoggerMessage]</c> of every assembly to this table.
/// </summary>
public static class LogEventIds
{
    /// <summary>The range of each assembly that logs, by assembly name.</summary>
    public static IReadOnlyDictionary<string, LogEventRange> Ranges { get; } = new Dictionary<string, LogEventRange>(StringComparer.Ordinal)
    {
        ["Roundabout.Registry"] = new(1000, 1099),
        ["Roundabout.Registry.Etcd"] = new(1100, 1199),
        ["Roundabout.Database"] = new(2000, 2999),
        ["Roundabout.Server"] = new(3000, 3999),
        ["Roundabout.Registration"] = new(4000, 4999),
        ["Roundabout.Client"] = new(5000, 5999),
        ["Roundabout.ServiceDiscovery"] = new(6000, 6999),
        ["roundabout"] = new(7000, 7999),
        ["Roundabout.Dashboard"] = new(8000, 8999),
        ["Roundabout.Hosting"] = new(9000, 9999),
    };
}

/// <summary>The event ids from <see cref="First"/> to <see cref="Last"/>, both included.</summary>
public readonly record struct LogEventRange(int First, int Last)
{
    public bool Contains(int id) => id >= First && id <= Last;

    public override string ToString() => $"{First}-{Last}";
}
