namespace Roundabout.Registry.Membership;

/// <summary>The in-memory backend's limits and timings.</summary>
internal sealed class MembershipOptions
{
    /// <summary>How long a lease lives without a renewal.</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How often holders are told to renew; an instance silent for longer than TTL minus this has missed renewals.</summary>
    public TimeSpan RenewInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the eviction guard keeps a suspect instance that does not renew. One TTL: a live
    /// server renews every TTL/3, so it has three chances to prove itself, the same evidence a
    /// normal lease asks for.
    /// </summary>
    public TimeSpan SuspectGrace { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>A gap between sweeps longer than this means the registry itself was not running.</summary>
    public TimeSpan PauseThreshold { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Changes buffered per watcher before it is resynchronised with a fresh snapshot.</summary>
    public int WatchBufferCapacity { get; init; } = 256;

    public int MaxInstances { get; init; } = 10_000;

    public int MaxWatchers { get; init; } = 1_000;
}
