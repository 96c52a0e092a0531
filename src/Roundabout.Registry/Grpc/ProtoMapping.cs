using Google.Protobuf.WellKnownTypes;
using Roundabout.Contracts.Registry.V1;
using Roundabout.Registry.Membership;

namespace Roundabout.Registry.Grpc;

/// <summary>Maps backend values to the wire contract.</summary>
internal static class ProtoMapping
{
    public static Instance ToProto(this MemberInstance instance)
    {
        var proto = new Instance
        {
            Service = instance.Service,
            Address = instance.Address,
            RegisteredAt = Timestamp.FromDateTimeOffset(instance.RegisteredAt),
            LastRenewedAt = Timestamp.FromDateTimeOffset(instance.LastRenewedAt),
            Suspect = instance.Suspect,
        };
        foreach (var (key, value) in instance.Metadata)
        {
            proto.Metadata[key] = value;
        }

        return proto;
    }

    public static WatchEvent ToProto(this MembershipEvent membershipEvent)
    {
        var proto = new WatchEvent { Revision = membershipEvent.Revision };
        switch (membershipEvent)
        {
            case SnapshotEvent snapshot:
                proto.Snapshot = new Snapshot();
                proto.Snapshot.Instances.Add(snapshot.Instances.Select(ToProto));
                break;
            case ChangeEvent change:
                proto.Change = new InstanceChange { Kind = change.Kind.ToProto(), Instance = change.Instance.ToProto() };
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(membershipEvent), membershipEvent.GetType().Name, "unknown membership event");
        }

        return proto;
    }

    public static ChangeKind ToProto(this MembershipChangeKind kind) => kind switch
    {
        MembershipChangeKind.Joined => ChangeKind.Joined,
        MembershipChangeKind.Left => ChangeKind.Left,
        MembershipChangeKind.Evicted => ChangeKind.Evicted,
        MembershipChangeKind.Updated => ChangeKind.Updated,
        _ => ChangeKind.Unspecified,
    };
}
