using System.Globalization;
using Google.Protobuf;

namespace Roundabout.Registry.Etcd;

/// <summary>
/// The key layout under the prefix:
/// <list type="bullet">
/// <item><c>revision</c>: its etcd version is the membership revision, bumped by every change readers see.</item>
/// <item><c>services/{service}/i/{address}</c>: an instance, bound to its lease.</item>
/// <item><c>services/{service}/e/{address}</c>: the last eviction of that address, so watchers learn of it with a revision.</item>
/// <item><c>leases/{lease id in hex}</c>: who owns a lease, bound to the same lease.</item>
/// </list>
/// </summary>
internal sealed class EtcdKeys(string prefix)
{
    public const char InstanceKind = 'i';
    public const char EvictionKind = 'e';

    public ByteString Revision { get; } = ByteString.CopyFromUtf8(prefix + "revision");

    public string Services { get; } = prefix + "services/";

    public string Leases { get; } = prefix + "leases/";

    public string ServicePrefix(string service) => $"{Services}{service}/";

    public string InstancePrefix(string service) => $"{Services}{service}/{InstanceKind}/";

    public ByteString Instance(string service, string address) => ByteString.CopyFromUtf8($"{Services}{service}/{InstanceKind}/{address}");

    public ByteString Eviction(string service, string address) => ByteString.CopyFromUtf8($"{Services}{service}/{EvictionKind}/{address}");

    public ByteString Lease(long leaseId) => ByteString.CopyFromUtf8(Leases + leaseId.ToString("x16", CultureInfo.InvariantCulture));

    /// <summary>Service, kind (instance or eviction) and address of a key under <see cref="Services"/>; null for any other key.</summary>
    public (string Service, char Kind, string Address)? Parse(ByteString key)
    {
        var text = key.ToStringUtf8();
        if (!text.StartsWith(Services, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = text[Services.Length..].Split('/', 3);
        return parts is [var service, [var kind], var address] ? (service, kind, address) : null;
    }

    /// <summary>The end of the range of keys that start with <paramref name="prefix"/>: the prefix with its last byte plus one.</summary>
    public static ByteString RangeEnd(string prefix)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(prefix);
        bytes[^1]++;
        return ByteString.CopyFrom(bytes);
    }
}
