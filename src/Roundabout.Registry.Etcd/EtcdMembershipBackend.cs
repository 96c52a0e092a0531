using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Roundabout.Registry.Membership;

namespace Roundabout.Registry.Etcd;

/// <summary>
/// Membership in etcd. An instance is a key bound to an etcd lease: etcd expires it, so any number
/// of registry processes on one etcd cluster serve one view, and any of them can die. Revisions
/// are etcd's, shared by all of them. Every write that depends on what was read is a transaction
/// that compares the key's mod revision, so concurrent registrations of one address leave one key.
/// </summary>
internal sealed partial class EtcdMembershipBackend : IMembershipBackend, IAsyncDisposable
{
    private readonly EtcdMembershipOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly EtcdClient _client;
    private readonly KV.KVClient _kv;
    private readonly Lease.LeaseClient _lease;
    private readonly Watch.WatchClient _watch;
    private readonly EtcdKeys _keys;
    private readonly string _description;
    private readonly SemaphoreSlim[] _registrationGates = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public EtcdMembershipBackend(EtcdMembershipOptions options, TimeProvider time, ILogger logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _description = string.Join(',', options.Endpoints);
        _client = new EtcdClient(string.Join(',', options.Endpoints.Select(e => e.ToHttpUri().ToString().TrimEnd('/'))));
        var connection = _client.GetConnection();
        _kv = connection.KVClient;
        _lease = connection.LeaseClient;
        _watch = connection.WatchClient;
        _keys = new EtcdKeys(options.Prefix);
        Log.UsingEtcd(logger, _description, options.Prefix, options.TtlSeconds);
        _observer = Task.Run(() => ObserveEvictionsAsync(_stopping.Token), CancellationToken.None);
    }

    public TimeSpan Ttl => TimeSpan.FromSeconds(_options.TtlSeconds);

    /// <summary>How many times a call that could not connect is sent, one attempt per member at most.</summary>
    private int MaxConnectAttempts => Math.Max(2, _options.Endpoints.Count);

    public async ValueTask<RegisterOutcome> RegisterAsync(InstanceRegistration registration, CancellationToken cancellationToken)
    {
        var key = _keys.Instance(registration.Service, registration.Address);

        // Registrations of one address through this process queue here instead of racing each
        // other in etcd; other registry processes still race through the compare on the key.
        var gate = _registrationGates[(int)((uint)StringComparer.Ordinal.GetHashCode(key.ToStringUtf8()) % (uint)_registrationGates.Length)];
        await gate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await RegisterOnceAsync(registration, key, cancellationToken);
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound && attempt < 3)
                {
                    // Our new lease expired while we lost races for the key: take a fresh one.
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
                {
                    throw Failed(ex);
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<RegisterOutcome> RegisterOnceAsync(InstanceRegistration registration, ByteString key, CancellationToken cancellationToken)
    {
        var grant = await CallAsync(o => _lease.LeaseGrantAsync(new LeaseGrantRequest { TTL = _options.TtlSeconds }, o), cancellationToken);
        if (!string.IsNullOrEmpty(grant.Error))
        {
            throw Unavailable($"etcd refused a lease: {grant.Error}");
        }

        var (token, secretHash) = EtcdLeaseToken.Create(grant.ID);
        var committed = false;
        try
        {
            while (true)
            {
                var read = await ReadAsync(cancellationToken, EtcdOps.Get(key), EtcdOps.Get(_keys.Revision));
                var current = read.Found(0);
                var revision = read.Found(1)?.Version ?? 0;
                var previous = current is null ? null : EtcdJson.DecodeInstance(current.Value);
                if (previous is null)
                {
                    await EnsureRoomAsync(cancellationToken);
                }

                // A refresh that changes nothing readers see keeps the revision; anything else takes the next one.
                var visible = previous is null || previous.Leaving || !SameMetadata(previous.Metadata, registration.Metadata);
                var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
                var record = new InstanceRecord(
                    new SortedDictionary<string, string>(registration.Metadata.ToDictionary(), StringComparer.Ordinal),
                    previous is { Leaving: false } ? previous.RegisteredAtMs : now,
                    now,
                    grant.ID,
                    Leaving: false,
                    visible ? revision + 1 : previous!.Revision);
                var owner = new LeaseRecord(registration.Service, registration.Address, secretHash, now);
                var txn = new TxnRequest
                {
                    Compare = { EtcdOps.ModRevisionIs(key, current?.ModRevision ?? 0) },
                    Success =
                    {
                        EtcdOps.Put(key, EtcdJson.Encode(record), grant.ID),
                        EtcdOps.Put(_keys.Lease(grant.ID), EtcdJson.Encode(owner), grant.ID),
                    },
                };
                if (visible)
                {
                    txn.Compare.Add(EtcdOps.VersionIs(_keys.Revision, revision));
                    txn.Success.Add(EtcdOps.Put(_keys.Revision, ByteString.Empty));
                }

                if (previous is not null && previous.Lease != grant.ID)
                {
                    // The previous holder's owner record goes in the same step, so its token stops working at once.
                    txn.Success.Add(EtcdOps.Delete(_keys.Lease(previous.Lease)));
                }

                if (!(await CallAsync(o => _kv.TxnAsync(txn, o), cancellationToken)).Succeeded)
                {
                    // Another change won the race; read again and build on it.
                    continue;
                }

                committed = true;
                if (previous is not null && previous.Lease != grant.ID)
                {
                    // Nothing is bound to the old lease any more: revoking it changes no key.
                    await RevokeQuietlyAsync(previous.Lease, cancellationToken);
                }

                var instance = ToInstance(registration.Service, registration.Address, record, now);
                return new RegisterOutcome(token, instance, Joined: previous is null || previous.Leaving, visible ? revision + 1 : revision);
            }
        }
        finally
        {
            if (!committed)
            {
                await RevokeQuietlyAsync(grant.ID, CancellationToken.None);
            }
        }
    }

    public async ValueTask<RenewOutcome?> RenewAsync(string leaseId, CancellationToken cancellationToken)
    {
        if (await OwnerAsync(leaseId, cancellationToken) is not { } found)
        {
            return null;
        }

        if (!await KeepAliveAsync(found.LeaseId, cancellationToken))
        {
            return null;
        }

        // Note the renewal for readers ("last renewed"); it is not a change watchers see.
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var instanceKey = _keys.Instance(found.Owner.Service, found.Owner.Address);
        var txn = new TxnRequest
        {
            Compare = { EtcdOps.LeaseIs(instanceKey, found.LeaseId) },
            Success = { EtcdOps.Put(_keys.Lease(found.LeaseId), EtcdJson.Encode(found.Owner with { RenewedAtMs = now }), found.LeaseId), EtcdOps.Get(instanceKey) },
        };
        TxnResponse reply;
        try
        {
            reply = await CallAsync(o => _kv.TxnAsync(txn, o), cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null; // The lease expired between the keep-alive and the write.
        }

        var kv = reply.Succeeded ? reply.Found(1) : null;
        return kv is not null && EtcdJson.DecodeInstance(kv.Value) is { Leaving: false } record
            ? new RenewOutcome(ToInstance(found.Owner.Service, found.Owner.Address, record, now), Recovered: false)
            : null;
    }

    public async ValueTask<MemberInstance?> DeregisterAsync(string leaseId, CancellationToken cancellationToken)
    {
        if (await OwnerAsync(leaseId, cancellationToken) is not { } found)
        {
            return null;
        }

        var instanceKey = _keys.Instance(found.Owner.Service, found.Owner.Address);
        while (true)
        {
            var read = await ReadAsync(cancellationToken, EtcdOps.Get(instanceKey), EtcdOps.Get(_keys.Revision));
            var kv = read.Found(0);
            var revision = read.Found(1)?.Version ?? 0;
            if (kv is null || EtcdJson.DecodeInstance(kv.Value) is not { Leaving: false } record || record.Lease != found.LeaseId)
            {
                await RevokeQuietlyAsync(found.LeaseId, cancellationToken);
                return null;
            }

            // Mark it leaving with the next revision: that is the leave readers see. The delete the
            // revocation then causes is no news to them.
            var leaving = record with { Leaving = true, Revision = revision + 1 };
            var txn = new TxnRequest
            {
                Compare = { EtcdOps.ModRevisionIs(instanceKey, kv.ModRevision), EtcdOps.VersionIs(_keys.Revision, revision) },
                Success = { EtcdOps.Put(instanceKey, EtcdJson.Encode(leaving), found.LeaseId), EtcdOps.Put(_keys.Revision, ByteString.Empty) },
            };
            try
            {
                if (!(await CallAsync(o => _kv.TxnAsync(txn, o), cancellationToken)).Succeeded)
                {
                    continue;
                }
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
            {
                return null; // The lease expired meanwhile: it was evicted, not deregistered.
            }

            await CallAsync(o => _lease.LeaseRevokeAsync(new LeaseRevokeRequest { ID = found.LeaseId }, o), cancellationToken, notFoundIsOk: true);
            return ToInstance(found.Owner.Service, found.Owner.Address, leaving, found.Owner.RenewedAtMs);
        }
    }

    public async ValueTask<MembershipView> ListAsync(string service, CancellationToken cancellationToken) =>
        (await ListAtAsync(service, cancellationToken)).View;

    public async ValueTask<IReadOnlyList<ServiceCount>> ListServicesAsync(CancellationToken cancellationToken)
    {
        var read = await ReadAsync(cancellationToken, EtcdOps.GetPrefix(_keys.Services));
        var counts = new SortedDictionary<string, (int Instances, int Suspect)>(StringComparer.Ordinal);
        foreach (var kv in read.Responses[0].ResponseRange.Kvs)
        {
            if (_keys.Parse(kv.Key) is (var service, EtcdKeys.InstanceKind, var address) && EtcdJson.DecodeInstance(kv.Value) is { Leaving: false } record)
            {
                var suspect = ToInstance(service, address, record, record.UpdatedAtMs).Suspect;
                var (instances, suspects) = counts.GetValueOrDefault(service);
                counts[service] = (instances + 1, suspects + (suspect ? 1 : 0));
            }
        }

        return [.. counts.Select(c => new ServiceCount(c.Key, c.Value.Instances, c.Value.Suspect))];
    }

    /// <summary>The view, and the etcd revision it was read at, from which a watch carries on.</summary>
    private async Task<(MembershipView View, long EtcdRevision)> ListAtAsync(string service, CancellationToken cancellationToken)
    {
        var read = await ReadAsync(cancellationToken, EtcdOps.GetPrefix(_keys.InstancePrefix(service)), EtcdOps.Get(_keys.Revision), EtcdOps.GetPrefix(_keys.Leases));
        return (ToView(_keys, service, read), read.Header.Revision);
    }

    /// <summary>The view from one atomic read of the instances, the revision counter and the lease owners.</summary>
    private static MembershipView ToView(EtcdKeys keys, string service, TxnResponse read)
    {
        var renewedAt = new Dictionary<long, long>();
        foreach (var kv in read.Responses[2].ResponseRange.Kvs)
        {
            if (EtcdJson.DecodeLease(kv.Value) is { } owner)
            {
                renewedAt[kv.Lease] = owner.RenewedAtMs;
            }
        }

        var instances = new List<MemberInstance>();
        foreach (var kv in read.Responses[0].ResponseRange.Kvs)
        {
            if (keys.Parse(kv.Key) is (_, EtcdKeys.InstanceKind, var address) && EtcdJson.DecodeInstance(kv.Value) is { Leaving: false } record)
            {
                instances.Add(ToInstance(service, address, record, renewedAt.GetValueOrDefault(record.Lease, record.UpdatedAtMs)));
            }
        }

        return new MembershipView(read.Found(1)?.Version ?? 0, instances);
    }

    /// <summary>Several reads as one atomic transaction with no conditions: one consistent moment.</summary>
    private Task<TxnResponse> ReadAsync(CancellationToken cancellationToken, params RequestOp[] reads)
    {
        var txn = new TxnRequest();
        txn.Success.AddRange(reads);
        return CallAsync(o => _kv.TxnAsync(txn, o), cancellationToken);
    }

    private static bool SameMetadata(SortedDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var value) && value == pair.Value);

    private async Task EnsureRoomAsync(CancellationToken cancellationToken)
    {
        // Instances and eviction records both count: a bound on the keys this registry writes.
        var count = await CallAsync(o => _kv.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(_keys.Services), RangeEnd = EtcdKeys.RangeEnd(_keys.Services), CountOnly = true }, o), cancellationToken);
        if (count.Count >= _options.MaxInstances)
        {
            throw new MembershipLimitException($"the registry already holds {_options.MaxInstances} instances; deregister unused ones or raise the limit");
        }
    }

    /// <summary>The lease's owner record, when the token's secret matches it; null for any unknown or forged token.</summary>
    private async Task<(long LeaseId, LeaseRecord Owner)?> OwnerAsync(string token, CancellationToken cancellationToken)
    {
        if (!EtcdLeaseToken.TryParse(token, out var leaseId, out var secret))
        {
            return null;
        }

        var kv = (await CallAsync(o => _kv.RangeAsync(new RangeRequest { Key = _keys.Lease(leaseId) }, o), cancellationToken)).Kvs.FirstOrDefault();
        return kv is not null && EtcdJson.DecodeLease(kv.Value) is { } owner && EtcdLeaseToken.Matches(secret, owner.SecretHash)
            ? (leaseId, owner)
            : null;
    }

    /// <summary>
    /// One keep-alive round trip; false when etcd no longer knows the lease. Each attempt gets a
    /// share of the call deadline: after a member died, a keep-alive stream balanced onto it was
    /// seen to hang until its deadline on every renewal, long enough for the lease to expire while
    /// a majority of etcd was up. Renewing a lease twice is harmless, so an attempt that timed out
    /// or could not connect is sent again, and the balancer puts it on another member.
    /// </summary>
    private async Task<bool> KeepAliveAsync(long leaseId, CancellationToken cancellationToken)
    {
        var attempts = MaxConnectAttempts;
        var perAttempt = _options.CallDeadline / attempts;
        for (var attempt = 1; ; attempt++)
        {
            var last = attempt == attempts;
            try
            {
                using var call = _lease.LeaseKeepAlive(deadline: TimeProvider.System.GetUtcNow().UtcDateTime + perAttempt, cancellationToken: cancellationToken);
                await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = leaseId }, cancellationToken);
                await call.RequestStream.CompleteAsync();
                return await call.ResponseStream.MoveNext(cancellationToken) && call.ResponseStream.Current.TTL > 0;
            }
            catch (RpcException ex) when (!last && (NeverConnected(ex) || ex.StatusCode == StatusCode.DeadlineExceeded) && !cancellationToken.IsCancellationRequested)
            {
                // Nothing came back in this attempt's time: the next one is balanced onto another member.
            }
            catch (OperationCanceledException) when (!last && !cancellationToken.IsCancellationRequested)
            {
                // The same, surfaced as a cancellation (the stream's write waited past the deadline).
            }
            catch (RpcException ex) when (ex.StatusCode is not StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
            {
                throw Failed(ex);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw Failed(new RpcException(new Status(StatusCode.DeadlineExceeded, $"no keep-alive answer within {Contracts.HumanDuration.Format(_options.CallDeadline)}")));
            }
        }
    }

    private async Task RevokeQuietlyAsync(long leaseId, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync(o => _lease.LeaseRevokeAsync(new LeaseRevokeRequest { ID = leaseId }, o), cancellationToken, notFoundIsOk: true);
        }
        catch (RpcException)
        {
            // It expires on its own within one TTL.
        }
    }

    private static MemberInstance ToInstance(string service, string address, InstanceRecord record, long renewedAtMs) =>
        new(service, address, record.Metadata, DateTimeOffset.FromUnixTimeMilliseconds(record.RegisteredAtMs),
            DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(renewedAtMs, record.UpdatedAtMs)), Suspect: false);

    /// <summary>gRPC deadlines are wall-clock instants, whatever clock the membership logic uses.</summary>
    private DateTime Deadline() => TimeProvider.System.GetUtcNow().UtcDateTime + _options.CallDeadline;

    private async Task<T> CallAsync<T>(Func<CallOptions, AsyncUnaryCall<T>> call, CancellationToken cancellationToken, bool notFoundIsOk = false)
        where T : class, new()
    {
        var options = new CallOptions(deadline: Deadline(), cancellationToken: cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(options);
            }
            catch (RpcException ex) when (attempt < MaxConnectAttempts && NeverConnected(ex) && !cancellationToken.IsCancellationRequested)
            {
                // Nothing reached etcd: the next attempt is balanced onto another member.
            }
            catch (RpcException ex) when (notFoundIsOk && ex.StatusCode == StatusCode.NotFound)
            {
                return new T();
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
            {
                throw;
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw Failed(ex);
            }
        }
    }

    /// <summary>
    /// A call whose connection to the member it was balanced onto was refused: nothing was sent, so
    /// it is safe to send again, even a write. After a member dies, the etcd client's channel may
    /// keep balancing calls onto it for a while (seen for over 10 s, longer than a lease's TTL, in a
    /// loaded test run), and without this every such call failed a renewal, so leases expired while
    /// a majority of etcd was up. One attempt per member is enough to reach a live one.
    /// </summary>
    private static bool NeverConnected(RpcException ex) =>
        ex.StatusCode == StatusCode.Unavailable && ex.Status.DebugException is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError };

    private RpcException Failed(RpcException ex)
    {
        Log.CallFailed(_logger, _description, $"{ex.StatusCode}: {ex.Status.Detail}");
        return Unavailable($"etcd at {_description} could not serve the registry ({ex.StatusCode}: {ex.Status.Detail}); check that a majority of its members run, then retry");
    }

    private static RpcException Unavailable(string message) => new(new Status(StatusCode.Unavailable, message));

    public async ValueTask DisposeAsync()
    {
        await StopEvictionObserverAsync();
        _client.Dispose();
        foreach (var gate in _registrationGates)
        {
            gate.Dispose();
        }
    }
}
