namespace Roundabout.Registry.Membership;

/// <summary>What a registration did.</summary>
/// <param name="LeaseId">The new lease, a secret to its holder.</param>
/// <param name="Joined">True for a new instance; false when an existing one was refreshed.</param>
/// <param name="Revision">The revision after the registration (unchanged when a refresh changed nothing readers see).</param>
public sealed record RegisterOutcome(string LeaseId, MemberInstance Instance, bool Joined, long Revision);

/// <summary>What a renewal did.</summary>
/// <param name="Recovered">True when the instance was suspect and this renewal cleared it.</param>
public sealed record RenewOutcome(MemberInstance Instance, bool Recovered);
