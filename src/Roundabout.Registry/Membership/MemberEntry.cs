namespace Roundabout.Registry.Membership;

/// <summary>The mutable record the in-memory backend keeps per instance; guarded by the backend's lock.</summary>
internal sealed class MemberEntry(
    string service,
    string address,
    IReadOnlyDictionary<string, string> metadata,
    DateTimeOffset registeredAt,
    long renewedStamp,
    string leaseId)
{
    public string Service { get; } = service;

    public string Address { get; } = address;

    public IReadOnlyDictionary<string, string> Metadata { get; set; } = metadata;

    public DateTimeOffset RegisteredAt { get; } = registeredAt;

    public DateTimeOffset LastRenewedAt { get; set; } = registeredAt;

    /// <summary>Monotonic timestamp of the last renewal; the lease expires one TTL after it.</summary>
    public long RenewedStamp { get; set; } = renewedStamp;

    public string LeaseId { get; set; } = leaseId;

    /// <summary>Monotonic timestamp when the eviction guard marked it suspect; null when not suspect.</summary>
    public long? SuspectSince { get; set; }

    public MemberInstance ToInstance() =>
        new(Service, Address, Metadata, RegisteredAt, LastRenewedAt, SuspectSince is not null);
}
