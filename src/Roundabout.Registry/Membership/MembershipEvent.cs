namespace Roundabout.Registry.Membership;

/// <summary>One item of a watch: a snapshot or a change. <paramref name="Revision"/> is the registry's revision after it.</summary>
public abstract record MembershipEvent(long Revision);

/// <summary>Every instance of the service as of the revision; the watcher replaces what it knew.</summary>
public sealed record SnapshotEvent(long Revision, IReadOnlyList<MemberInstance> Instances) : MembershipEvent(Revision);

/// <summary>One change to one instance.</summary>
public sealed record ChangeEvent(long Revision, MembershipChangeKind Kind, MemberInstance Instance) : MembershipEvent(Revision);

public enum MembershipChangeKind
{
    /// <summary>A new instance registered.</summary>
    Joined,

    /// <summary>The instance deregistered.</summary>
    Left,

    /// <summary>The instance's lease expired and it was removed.</summary>
    Evicted,

    /// <summary>The instance's metadata or suspect flag changed.</summary>
    Updated,
}
