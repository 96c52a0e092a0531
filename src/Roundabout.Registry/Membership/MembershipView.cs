namespace Roundabout.Registry.Membership;

/// <summary>The instances of one service as of <paramref name="Revision"/>.</summary>
public sealed record MembershipView(long Revision, IReadOnlyList<MemberInstance> Instances);
