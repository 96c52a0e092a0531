namespace Roundabout.Registry.Membership;

/// <summary>
/// Membership in memory, behind one lock: every change bumps the revision by one and reaches the
/// watchers in the same critical section, so watchers see changes in revision order. Lease expiry
/// uses the monotonic clock of the <see cref="TimeProvider"/>, so a wall-clock jump moves no deadline.
/// </summary>
internal sealed partial class InMemoryMembershipBackend : IMembershipBackend
{
    private readonly Lock _gate = new();
    private readonly MembershipOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, SortedDictionary<string, MemberEntry>> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MemberEntry> _leases = new(StringComparer.Ordinal);
    private int _instanceCount;
    private long _revision;

    public InMemoryMembershipBackend(MembershipOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
    }

    public TimeSpan Ttl => _options.Ttl;

    public ValueTask<RegisterOutcome> RegisterAsync(InstanceRegistration registration, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetUtcNow();
        var stamp = _time.GetTimestamp();
        var leaseId = LeaseIds.NewId();
        lock (_gate)
        {
            var members = MembersLocked(registration.Service, create: false);
            if (members is not null && members.TryGetValue(registration.Address, out var existing))
            {
                // A new holder of the same address (usually the same server, restarted): the old
                // lease is revoked so that only the newest holder renews.
                _leases.Remove(existing.LeaseId);
                existing.LeaseId = leaseId;
                _leases.Add(leaseId, existing);
                var changed = !SameMetadata(existing.Metadata, registration.Metadata) || existing.SuspectSince is not null;
                existing.Metadata = registration.Metadata;
                existing.LastRenewedAt = now;
                existing.RenewedStamp = stamp;
                existing.SuspectSince = null;
                if (changed)
                {
                    PublishLocked(MembershipChangeKind.Updated, existing.ToInstance());
                }

                return ValueTask.FromResult(new RegisterOutcome(leaseId, existing.ToInstance(), Joined: false, _revision));
            }

            if (_instanceCount >= _options.MaxInstances)
            {
                throw new MembershipLimitException(
                    $"the registry already holds {_options.MaxInstances} instances; deregister unused ones or raise the limit");
            }

            var entry = new MemberEntry(registration.Service, registration.Address, registration.Metadata, now, stamp, leaseId);
            members ??= MembersLocked(registration.Service, create: true)!;
            members.Add(entry.Address, entry);
            _leases.Add(leaseId, entry);
            _instanceCount++;
            PublishLocked(MembershipChangeKind.Joined, entry.ToInstance());
            return ValueTask.FromResult(new RegisterOutcome(leaseId, entry.ToInstance(), Joined: true, _revision));
        }
    }

    public ValueTask<RenewOutcome?> RenewAsync(string leaseId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetUtcNow();
        var stamp = _time.GetTimestamp();
        lock (_gate)
        {
            if (!_leases.TryGetValue(leaseId, out var entry))
            {
                return ValueTask.FromResult<RenewOutcome?>(null);
            }

            entry.LastRenewedAt = now;
            entry.RenewedStamp = stamp;
            var recovered = entry.SuspectSince is not null;
            if (recovered)
            {
                entry.SuspectSince = null;
                PublishLocked(MembershipChangeKind.Updated, entry.ToInstance());
            }

            return ValueTask.FromResult<RenewOutcome?>(new RenewOutcome(entry.ToInstance(), recovered));
        }
    }

    public ValueTask<MemberInstance?> DeregisterAsync(string leaseId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_leases.TryGetValue(leaseId, out var entry))
            {
                return ValueTask.FromResult<MemberInstance?>(null);
            }

            RemoveLocked(entry);
            var instance = entry.ToInstance();
            PublishLocked(MembershipChangeKind.Left, instance);
            return ValueTask.FromResult<MemberInstance?>(instance);
        }
    }

    public ValueTask<MembershipView> ListAsync(string service, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(new MembershipView(_revision, InstancesLocked(service)));
        }
    }

    public ValueTask<IReadOnlyList<ServiceCount>> ListServicesAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            IReadOnlyList<ServiceCount> services = [.. _services
                .Where(s => s.Value.Count > 0)
                .OrderBy(s => s.Key, StringComparer.Ordinal)
                .Select(s => new ServiceCount(s.Key, s.Value.Count, s.Value.Values.Count(e => e.SuspectSince is not null)))];
            return ValueTask.FromResult(services);
        }
    }

    private SortedDictionary<string, MemberEntry>? MembersLocked(string service, bool create)
    {
        if (!_services.TryGetValue(service, out var members) && create)
        {
            members = new SortedDictionary<string, MemberEntry>(StringComparer.Ordinal);
            _services.Add(service, members);
        }

        return members;
    }

    private MemberInstance[] InstancesLocked(string service) =>
        MembersLocked(service, create: false)?.Values.Select(e => e.ToInstance()).ToArray() ?? [];

    private void RemoveLocked(MemberEntry entry)
    {
        _leases.Remove(entry.LeaseId);
        var members = MembersLocked(entry.Service, create: false)!;
        members.Remove(entry.Address);
        if (members.Count == 0)
        {
            _services.Remove(entry.Service);
        }

        _instanceCount--;
    }

    private static bool SameMetadata(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var value) && value == pair.Value);
}
