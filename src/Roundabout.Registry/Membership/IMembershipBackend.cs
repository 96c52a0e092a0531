namespace Roundabout.Registry.Membership;

/// <summary>
/// Where the registry keeps its membership. The shape follows a key-value store with leases, so
/// that etcd can back it as well as memory: each instance is a key (service/address) bound to a
/// lease with a TTL; a registration grants a lease and puts the key; a renewal is a lease
/// keep-alive; a deregistration revokes the lease; a watch is a prefix watch on the service,
/// started from a snapshot at a revision. Inputs are validated before they reach a backend.
/// </summary>
public interface IMembershipBackend
{
    /// <summary>The lease TTL every registration gets.</summary>
    TimeSpan Ttl { get; }

    /// <summary>
    /// Adds the instance, or refreshes it when (service, address) is already registered: never a
    /// duplicate. A refresh grants a new lease and revokes the previous one, whose holder then
    /// gets NotFound when it renews.
    /// </summary>
    /// <exception cref="MembershipLimitException">The registry holds as many instances as it may.</exception>
    ValueTask<RegisterOutcome> RegisterAsync(InstanceRegistration registration, CancellationToken cancellationToken);

    /// <summary>Extends a lease by one TTL; <c>null</c> when the lease is unknown (expired, revoked or never granted).</summary>
    ValueTask<RenewOutcome?> RenewAsync(string leaseId, CancellationToken cancellationToken);

    /// <summary>Revokes a lease and removes its instance; <c>null</c> when the lease is unknown.</summary>
    ValueTask<MemberInstance?> DeregisterAsync(string leaseId, CancellationToken cancellationToken);

    /// <summary>Every service with at least one instance, with its instance and suspect counts, in name order.</summary>
    ValueTask<IReadOnlyList<ServiceCount>> ListServicesAsync(CancellationToken cancellationToken);

    /// <summary>The instances of one service, ordered by address, as of one revision.</summary>
    ValueTask<MembershipView> ListAsync(string service, CancellationToken cancellationToken);

    /// <summary>
    /// A snapshot of one service, then every change after it, in order. A watcher that falls
    /// behind (or whose store compacted the history it needs) gets a fresh snapshot instead of a gap.
    /// </summary>
    /// <exception cref="MembershipLimitException">Too many watches are open.</exception>
    IAsyncEnumerable<MembershipEvent> WatchAsync(string service, CancellationToken cancellationToken);

    /// <summary>
    /// Applies lease expiry now and reports what changed. A store that expires leases itself
    /// (etcd) reports the expirations it observed since the last call.
    /// </summary>
    ValueTask<SweepReport> SweepAsync(CancellationToken cancellationToken);
}
