namespace Roundabout.Registry.Membership;

/// <summary>One registered instance as readers see it.</summary>
/// <param name="Suspect">True while the eviction guard holds an instance whose lease expired in a mass expiry.</param>
public sealed record MemberInstance(
    string Service,
    string Address,
    IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset RegisteredAt,
    DateTimeOffset LastRenewedAt,
    bool Suspect);
