using Etcdserverpb;
using Google.Protobuf;

namespace Roundabout.Registry.Etcd;

/// <summary>Small builders for etcd transactions, so the backend reads as what it compares and writes.</summary>
internal static class EtcdOps
{
    public static Compare ModRevisionIs(ByteString key, long revision) => new()
    {
        Key = key, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = revision,
    };

    public static Compare VersionIs(ByteString key, long version) => new()
    {
        Key = key, Target = Compare.Types.CompareTarget.Version, Result = Compare.Types.CompareResult.Equal, Version = version,
    };

    public static Compare LeaseIs(ByteString key, long lease) => new()
    {
        Key = key, Target = Compare.Types.CompareTarget.Lease, Result = Compare.Types.CompareResult.Equal, Lease = lease,
    };

    public static RequestOp Put(ByteString key, ByteString value, long lease = 0) =>
        new() { RequestPut = new PutRequest { Key = key, Value = value, Lease = lease } };

    public static RequestOp Delete(ByteString key) => new() { RequestDeleteRange = new DeleteRangeRequest { Key = key } };

    public static RequestOp Get(ByteString key) => new() { RequestRange = new RangeRequest { Key = key } };

    public static RequestOp GetPrefix(string prefix, long revision = 0) => new()
    {
        RequestRange = new RangeRequest { Key = ByteString.CopyFromUtf8(prefix), RangeEnd = EtcdKeys.RangeEnd(prefix), Revision = revision },
    };

    /// <summary>The one key a range op of a transaction found, or null.</summary>
    public static Mvccpb.KeyValue? Found(this TxnResponse reply, int index) => reply.Responses[index].ResponseRange.Kvs.FirstOrDefault();
}
