using Roundabout.Contracts;

namespace Roundabout.Registry.Etcd;

/// <summary>Where the registry keeps its membership in etcd, and how.</summary>
public sealed class EtcdMembershipOptions
{
    /// <summary>The etcd members' client addresses; any of them can serve, and the client fails over between them.</summary>
    public required IReadOnlyList<EndpointAddress> Endpoints { get; init; }

    /// <summary>The key prefix every registry sharing this etcd uses; registries with another prefix see other members.</summary>
    public string Prefix { get; init; } = "/roundabout/registry/v1/";

    /// <summary>
    /// The lease TTL. etcd counts leases in whole seconds and raises a TTL below its minimum (about
    /// 2 s with the default election timeout), so the TTL in effect is rounded up to a whole second.
    /// </summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The deadline of each call to etcd.</summary>
    public TimeSpan CallDeadline { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Most instances, over all services.</summary>
    public int MaxInstances { get; init; } = 10_000;

    /// <summary>Most watches open at once on this registry process.</summary>
    public int MaxWatchers { get; init; } = 1_000;

    /// <summary>The lease TTL granted in etcd, in whole seconds.</summary>
    public long TtlSeconds => Math.Max(1, (long)Math.Ceiling(Ttl.TotalSeconds));

    /// <summary>Every problem with these options, each saying what to change; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Endpoints.Count == 0)
        {
            errors.Add("at least one etcd address is required: etcd://host:2379[,host:2379...]");
        }

        if (string.IsNullOrEmpty(Prefix) || !Prefix.StartsWith('/') || !Prefix.EndsWith('/'))
        {
            errors.Add($"the etcd key prefix '{Prefix}' must start and end with '/'");
        }

        if (Ttl < TimeSpan.FromSeconds(1) || Ttl > TimeSpan.FromHours(1))
        {
            errors.Add($"TTL {Ttl.TotalSeconds} s is out of range for etcd leases; use 1 s to 1 h (default 3 s)");
        }

        if (CallDeadline <= TimeSpan.Zero)
        {
            errors.Add("the etcd call deadline must be positive");
        }

        if (MaxInstances < 1 || MaxWatchers < 1)
        {
            errors.Add("the instance and watcher limits must be at least 1");
        }

        return errors;
    }
}
