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
    }

    public TimeSpan Ttl => TimeSpan.FromSeconds(_options.TtlSeconds);

    public async ValueTask<RegisterOutcome> RegisterAsync(InstanceRegistration registration, CancellationToken cancellationToken)
    {
        var key = _keys.Instance(registration.Service, registration.Address);
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
                var current = (await CallAsync(o => _kv.RangeAsync(new RangeRequest { Key = key }, o), cancellationToken)).Kvs.FirstOrDefault();
                var previous = current is null ? null : EtcdJson.DecodeInstance(current.Value);
                if (previous is null)
                {
                    await EnsureRoomAsync(cancellationToken);
                }

                var now = _time.GetUtcNow();
                var record = new InstanceRecord(
                    new SortedDictionary<string, string>(registration.Metadata.ToDictionary(), StringComparer.Ordinal),
                    previous?.RegisteredAtMs ?? now.ToUnixTimeMilliseconds(),
                    now.ToUnixTimeMilliseconds(),
                    grant.ID,
                    Leaving: false);
                var owner = new LeaseRecord(registration.Service, registration.Address, secretHash, now.ToUnixTimeMilliseconds());
                var txn = new TxnRequest
                {
                    Compare = { new Compare { Key = key, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = current?.ModRevision ?? 0 } },
                    Success =
                    {
                        new RequestOp { RequestPut = new PutRequest { Key = key, Value = EtcdJson.Encode(record), Lease = grant.ID } },
                        new RequestOp { RequestPut = new PutRequest { Key = _keys.Lease(grant.ID), Value = EtcdJson.Encode(owner), Lease = grant.ID } },
                    },
                };
                var reply = await CallAsync(o => _kv.TxnAsync(txn, o), cancellationToken);
                if (!reply.Succeeded)
                {
                    // Another registration of this address won the race; read it again and take over from it.
                    continue;
                }

                committed = true;
                if (previous is not null && previous.Lease != grant.ID)
                {
                    // The previous holder's lease goes, so only the newest holder renews; its key moved to our lease.
                    await RevokeQuietlyAsync(previous.Lease, cancellationToken);
                }

                var instance = ToInstance(registration.Service, registration.Address, record, record.UpdatedAtMs);
                return new RegisterOutcome(token, instance, Joined: previous is null || previous.Leaving, reply.Header.Revision);
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

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var instanceKey = _keys.Instance(found.Owner.Service, found.Owner.Address);
        var txn = new TxnRequest
        {
            Compare = { new Compare { Key = instanceKey, Target = Compare.Types.CompareTarget.Lease, Result = Compare.Types.CompareResult.Equal, Lease = found.LeaseId } },
            Success =
            {
                new RequestOp { RequestPut = new PutRequest { Key = _keys.Lease(found.LeaseId), Value = EtcdJson.Encode(found.Owner with { RenewedAtMs = now }), Lease = found.LeaseId } },
                new RequestOp { RequestRange = new RangeRequest { Key = instanceKey } },
            },
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

        var kv = reply.Succeeded ? reply.Responses[1].ResponseRange.Kvs.FirstOrDefault() : null;
        return kv is not null && EtcdJson.DecodeInstance(kv.Value) is { } record
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
        var kv = (await CallAsync(o => _kv.RangeAsync(new RangeRequest { Key = instanceKey }, o), cancellationToken)).Kvs.FirstOrDefault();
        if (kv is null || EtcdJson.DecodeInstance(kv.Value) is not { } record || record.Lease != found.LeaseId)
        {
            await RevokeQuietlyAsync(found.LeaseId, cancellationToken);
            return null;
        }

        // Mark it leaving first, so that the delete the revocation causes reads as a leave, not an eviction.
        var leaving = new TxnRequest
        {
            Compare = { new Compare { Key = instanceKey, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = kv.ModRevision } },
            Success = { new RequestOp { RequestPut = new PutRequest { Key = instanceKey, Value = EtcdJson.Encode(record with { Leaving = true }), Lease = found.LeaseId } } },
        };
        try
        {
            await CallAsync(o => _kv.TxnAsync(leaving, o), cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }

        await CallAsync(o => _lease.LeaseRevokeAsync(new LeaseRevokeRequest { ID = found.LeaseId }, o), cancellationToken, notFoundIsOk: true);
        return ToInstance(found.Owner.Service, found.Owner.Address, record, found.Owner.RenewedAtMs);
    }

    public async ValueTask<MembershipView> ListAsync(string service, CancellationToken cancellationToken)
    {
        var prefix = _keys.ServicePrefix(service);
        var instances = await CallAsync(o => _kv.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(prefix), RangeEnd = EtcdKeys.RangeEnd(prefix) }, o), cancellationToken);
        var revision = instances.Header.Revision;
        var renewedAt = new Dictionary<long, long>();
        if (instances.Kvs.Count > 0)
        {
            // Read the owners at the same revision, so the view is one consistent moment.
            var leases = await CallAsync(o => _kv.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(_keys.Leases), RangeEnd = EtcdKeys.RangeEnd(_keys.Leases), Revision = revision }, o), cancellationToken);
            foreach (var kv in leases.Kvs)
            {
                if (EtcdJson.DecodeLease(kv.Value) is { } owner)
                {
                    renewedAt[kv.Lease] = owner.RenewedAtMs;
                }
            }
        }

        var list = new List<MemberInstance>(instances.Kvs.Count);
        foreach (var kv in instances.Kvs)
        {
            if (EtcdJson.DecodeInstance(kv.Value) is { Leaving: false } record)
            {
                var (_, address) = _keys.ParseInstance(kv.Key);
                list.Add(ToInstance(service, address, record, renewedAt.GetValueOrDefault(record.Lease, record.UpdatedAtMs)));
            }
        }

        return new MembershipView(revision, list);
    }

    private async Task EnsureRoomAsync(CancellationToken cancellationToken)
    {
        var count = await CallAsync(o => _kv.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(_keys.Instances), RangeEnd = EtcdKeys.RangeEnd(_keys.Instances), CountOnly = true }, o), cancellationToken);
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

    /// <summary>One keep-alive round trip; false when etcd no longer knows the lease.</summary>
    private async Task<bool> KeepAliveAsync(long leaseId, CancellationToken cancellationToken)
    {
        try
        {
            using var call = _lease.LeaseKeepAlive(deadline: Deadline(), cancellationToken: cancellationToken);
            await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = leaseId }, cancellationToken);
            await call.RequestStream.CompleteAsync();
            return await call.ResponseStream.MoveNext(cancellationToken) && call.ResponseStream.Current.TTL > 0;
        }
        catch (RpcException ex) when (ex.StatusCode is not StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
        {
            throw Failed(ex);
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
        try
        {
            return await call(new CallOptions(deadline: Deadline(), cancellationToken: cancellationToken));
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

    private RpcException Failed(RpcException ex)
    {
        Log.CallFailed(_logger, _description, $"{ex.StatusCode}: {ex.Status.Detail}");
        return Unavailable($"etcd at {_description} could not serve the registry ({ex.StatusCode}: {ex.Status.Detail}); retry, or use another registry");
    }

    private static RpcException Unavailable(string message) => new(new Status(StatusCode.Unavailable, message));

    public async ValueTask DisposeAsync()
    {
        await StopEvictionObserverAsync();
        _client.Dispose();
    }
}
