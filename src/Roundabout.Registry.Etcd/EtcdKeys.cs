using System.Globalization;
using Google.Protobuf;

namespace Roundabout.Registry.Etcd;

/// <summary>
/// The key layout: <c>{prefix}instances/{service}/{address}</c> holds an instance, bound to its
/// lease; <c>{prefix}leases/{lease id in hex}</c> holds who owns the lease, bound to the same lease,
/// so both vanish together when etcd expires it.
/// </summary>
internal sealed class EtcdKeys(string prefix)
{
    public string Instances { get; } = prefix + "instances/";

    public string Leases { get; } = prefix + "leases/";

    public string ServicePrefix(string service) => $"{Instances}{service}/";

    public ByteString Instance(string service, string address) => ByteString.CopyFromUtf8($"{Instances}{service}/{address}");

    public ByteString Lease(long leaseId) => ByteString.CopyFromUtf8(Leases + leaseId.ToString("x16", CultureInfo.InvariantCulture));

    /// <summary>Service and address from an instance key.</summary>
    public (string Service, string Address) ParseInstance(ByteString key)
    {
        var text = key.ToStringUtf8()[Instances.Length..];
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return (text[..slash], text[(slash + 1)..]);
    }

    /// <summary>The end of the range of keys that start with <paramref name="prefix"/>: the prefix with its last byte plus one.</summary>
    public static ByteString RangeEnd(string prefix)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(prefix);
        bytes[^1]++;
        return ByteString.CopyFrom(bytes);
    }
}
