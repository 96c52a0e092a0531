using System.Collections.Concurrent;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Roundabout.Registry.Membership;

namespace Roundabout.Registry.Etcd;

internal sealed partial class EtcdMembershipBackend
{
    private const int MaxEvictionAttempts = 32;
    private readonly ConcurrentQueue<MemberInstance> _evicted = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _observer;

    /// <summary>
    /// etcd expires leases itself, so there is nothing to sweep: this reports the evictions this
    /// process recorded since the last call. The eviction guard does not apply on etcd: its leader
    /// keeps lease deadlines, and a new leader extends every lease by a full TTL.
    /// </summary>
    public ValueTask<SweepReport> SweepAsync(CancellationToken cancellationToken)
    {
        var evicted = new List<MemberInstance>();
        while (_evicted.TryDequeue(out var instance))
        {
            evicted.Add(instance);
        }

        return ValueTask.FromResult(evicted.Count == 0 ? SweepReport.Empty : new SweepReport(evicted, [], Paused: false));
    }

    /// <summary>
    /// Watches every instance key. When etcd deletes one that was not leaving, its lease expired:
    /// the first registry process to see it writes the eviction record with the next revision,
    /// which is how watchers learn of the eviction. The others find the record written and skip.
    /// </summary>
    private async Task ObserveEvictionsAsync(CancellationToken cancellationToken)
    {
        long next = 0;
        var delay = _firstRetryDelay;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (next == 0)
                {
                    var now = await CallAsync(o => _kv.RangeAsync(new RangeRequest { Key = _keys.Revision, CountOnly = true }, o), cancellationToken);
                    next = now.Header.Revision + 1;
                }

                using var stream = await EtcdWatchStream.TryOpenAsync(_watch, _keys.Services, next, cancellationToken);
                var batch = stream is null ? new WatchBatch(WatchBatchKind.Broken, [], "could not open the watch", 0) : await stream.NextAsync(cancellationToken);
                while (batch.Kind == WatchBatchKind.Events)
                {
                    delay = _firstRetryDelay;
                    foreach (var change in batch.Events)
                    {
                        if (change.Type == Mvccpb.Event.Types.EventType.Delete
                            && _keys.Parse(change.Kv.Key) is (var service, EtcdKeys.InstanceKind, var address)
                            && change.PrevKv is { Value.IsEmpty: false } prev
                            && EtcdJson.DecodeInstance(prev.Value) is { Leaving: false } record)
                        {
                            await RecordEvictionAsync(service, address, record, change.Kv.ModRevision, cancellationToken);
                        }

                        // Only once it is handled: if recording failed, the watch resumes at this event.
                        next = change.Kv.ModRevision + 1;
                    }

                    batch = await stream!.NextAsync(cancellationToken);
                }

                if (batch.Kind == WatchBatchKind.Compacted)
                {
                    next = 0; // The missed expiries are gone from etcd's history; carry on from now.
                    continue;
                }

                Log.WatchBroken(_logger, _keys.Services, batch.Reason, delay);
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                Log.WatchBroken(_logger, _keys.Services, ex.Status.Detail, delay);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(delay, _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _maxRetryDelay.Ticks));
        }
    }

    private async Task RecordEvictionAsync(string service, string address, InstanceRecord record, long deletedAt, CancellationToken cancellationToken)
    {
        var instanceKey = _keys.Instance(service, address);
        var evictionKey = _keys.Eviction(service, address);

        // The record lives for a while, then goes on its own: watchers only need the write.
        var grant = await CallAsync(o => _lease.LeaseGrantAsync(new LeaseGrantRequest { TTL = Math.Max(60, _options.TtlSeconds * 10) }, o), cancellationToken);
        for (var attempt = 0; attempt < MaxEvictionAttempts; attempt++)
        {
            var read = await ReadAsync(cancellationToken, EtcdOps.Get(_keys.Revision), EtcdOps.Get(instanceKey), EtcdOps.Get(evictionKey));
            var revision = read.Found(0)?.Version ?? 0;
            var recorded = read.Found(2);
            if (read.Found(1) is not null || recorded?.ModRevision > deletedAt)
            {
                // Registered again already, or another registry recorded this eviction.
                await RevokeQuietlyAsync(grant.ID, cancellationToken);
                return;
            }

            var evicted = record with { Revision = revision + 1 };
            var txn = new TxnRequest
            {
                Compare =
                {
                    EtcdOps.VersionIs(_keys.Revision, revision),
                    EtcdOps.ModRevisionIs(instanceKey, 0),
                    EtcdOps.ModRevisionIs(evictionKey, recorded?.ModRevision ?? 0),
                },
                Success = { EtcdOps.Put(_keys.Revision, ByteString.Empty), EtcdOps.Put(evictionKey, EtcdJson.Encode(evicted), grant.ID) },
            };
            if ((await CallAsync(o => _kv.TxnAsync(txn, o), cancellationToken)).Succeeded)
            {
                _evicted.Enqueue(ToInstance(service, address, evicted, evicted.UpdatedAtMs));
                return;
            }
        }

        await RevokeQuietlyAsync(grant.ID, cancellationToken);
    }

    private async Task StopEvictionObserverAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await _observer.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }
}
