using System.Text.Json;
using System.Text.Json.Serialization;
using Google.Protobuf;

namespace Roundabout.Registry.Etcd;

/// <summary>An instance's value in etcd (and, under the eviction key, the instance as it was evicted).</summary>
/// <param name="Revision">The membership revision of the last change readers saw in it.</param>
/// <param name="Leaving">Set just before a deregistration revokes the lease, so watchers tell a leave from an eviction.</param>
internal sealed record InstanceRecord(
    SortedDictionary<string, string> Metadata,
    long RegisteredAtMs,
    long UpdatedAtMs,
    long Lease,
    bool Leaving,
    long Revision);

/// <summary>Who owns a lease: only a caller with the secret whose hash is here may renew or drop it.</summary>
internal sealed record LeaseRecord(string Service, string Address, string SecretHash, long RenewedAtMs);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(InstanceRecord))]
[JsonSerializable(typeof(LeaseRecord))]
internal sealed partial class EtcdJson : JsonSerializerContext
{
    public static ByteString Encode(InstanceRecord record) => ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(record, Default.InstanceRecord));

    public static ByteString Encode(LeaseRecord record) => ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(record, Default.LeaseRecord));

    /// <summary>The record, or null when the value is not one of ours (written by something else under our prefix).</summary>
    public static InstanceRecord? DecodeInstance(ByteString value) => Decode(value, Default.InstanceRecord);

    public static LeaseRecord? DecodeLease(ByteString value) => Decode(value, Default.LeaseRecord);

    private static T? Decode<T>(ByteString value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(value.Span, info);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
