using System.Runtime.CompilerServices;
using Grpc.Core;
using Roundabout.Registry.Membership;

namespace Roundabout.Registry.Etcd;

internal sealed partial class EtcdMembershipBackend
{
    private static readonly TimeSpan _firstRetryDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan _maxRetryDelay = TimeSpan.FromSeconds(5);
    private int _watcherCount;

    /// <summary>
    /// A snapshot at etcd revision R, then an etcd watch from R + 1: no gap and no duplicate. When
    /// the watch breaks or etcd compacted the history it needs, the watcher gets a fresh snapshot.
    /// </summary>
    public async IAsyncEnumerable<MembershipEvent> WatchAsync(string service, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _watcherCount) > _options.MaxWatchers)
        {
            Interlocked.Decrement(ref _watcherCount);
            throw new MembershipLimitException($"{_options.MaxWatchers} watches are already open; close some or poll ListInstances");
        }

        try
        {
            var prefix = _keys.ServicePrefix(service);
            var (view, etcdRevision) = await ListAtAsync(service, cancellationToken);
            while (true)
            {
                yield return new SnapshotEvent(view.Revision, view.Instances);
                using (var stream = await EtcdWatchStream.TryOpenAsync(_watch, prefix, etcdRevision + 1, cancellationToken))
                {
                    var batch = stream is null ? new WatchBatch(WatchBatchKind.Broken, [], "could not open the watch", 0) : await stream.NextAsync(cancellationToken);
                    while (batch.Kind == WatchBatchKind.Events)
                    {
                        foreach (var change in batch.Events.Select(e => ToChange(e)).OfType<ChangeEvent>())
                        {
                            yield return change;
                        }

                        batch = await stream!.NextAsync(cancellationToken);
                    }

                    if (batch.Kind == WatchBatchKind.Compacted)
                    {
                        Log.WatchCompacted(_logger, prefix);
                    }
                    else
                    {
                        Log.WatchBroken(_logger, prefix, batch.Reason, _firstRetryDelay);
                    }
                }

                (view, etcdRevision) = await SnapshotWithRetriesAsync(service, cancellationToken);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _watcherCount);
        }
    }

    /// <summary>A watcher is already open, so it waits out an etcd outage rather than failing.</summary>
    private async Task<(MembershipView View, long EtcdRevision)> SnapshotWithRetriesAsync(string service, CancellationToken cancellationToken)
    {
        var delay = _firstRetryDelay;
        while (true)
        {
            await Task.Delay(delay, _time, cancellationToken);
            try
            {
                return await ListAtAsync(service, cancellationToken);
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _maxRetryDelay.Ticks));
                Log.WatchBroken(_logger, _keys.ServicePrefix(service), ex.Status.Detail, delay);
            }
        }
    }

    /// <summary>
    /// What one etcd event means to readers, with the membership revision the change carries. A
    /// deregistration is a put marking the instance leaving (the leave), then the revocation's
    /// delete (no news). An eviction is etcd expiring the lease (no news yet), then the eviction
    /// record a registry writes with the next revision (the eviction).
    /// </summary>
    private ChangeEvent? ToChange(Mvccpb.Event change)
    {
        if (change.Type == Mvccpb.Event.Types.EventType.Delete || _keys.Parse(change.Kv.Key) is not (var service, var kind, var address)
            || EtcdJson.DecodeInstance(change.Kv.Value) is not { } record)
        {
            return null;
        }

        var instance = ToInstance(service, address, record, record.UpdatedAtMs);
        if (kind == EtcdKeys.EvictionKind)
        {
            return new ChangeEvent(record.Revision, MembershipChangeKind.Evicted, instance);
        }

        var previous = change.PrevKv is { Value.IsEmpty: false } prev ? EtcdJson.DecodeInstance(prev.Value) : null;
        if (record.Leaving)
        {
            return previous is { Leaving: false } ? new ChangeEvent(record.Revision, MembershipChangeKind.Left, instance) : null;
        }

        if (previous is null || previous.Leaving)
        {
            return new ChangeEvent(record.Revision, MembershipChangeKind.Joined, instance);
        }

        return previous.Revision == record.Revision ? null : new ChangeEvent(record.Revision, MembershipChangeKind.Updated, instance);
    }
}
