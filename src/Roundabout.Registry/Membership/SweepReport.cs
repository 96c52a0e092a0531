namespace Roundabout.Registry.Membership;

/// <summary>What one sweep did.</summary>
/// <param name="Evicted">Instances removed because their leases expired.</param>
/// <param name="Held">Groups the eviction guard kept as suspect instead of evicting.</param>
/// <param name="Paused">True when the sweep found that the registry itself had not run for longer than a TTL.</param>
public sealed record SweepReport(IReadOnlyList<MemberInstance> Evicted, IReadOnlyList<HeldGroup> Held, bool Paused)
{
    public static readonly SweepReport Empty = new([], [], false);
}

/// <summary>Instances of one service whose leases expired together and that the guard kept as suspect.</summary>
/// <param name="Total">How many instances the service had.</param>
public sealed record HeldGroup(string Service, IReadOnlyList<MemberInstance> Instances, int Total);
