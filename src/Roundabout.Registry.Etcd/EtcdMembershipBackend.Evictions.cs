using System.Collections.Concurrent;
using Grpc.Core;
using Roundabout.Registry.Membership;

namespace Roundabout.Registry.Etcd;

internal sealed partial class EtcdMembershipBackend
{
    private readonly ConcurrentQueue<MemberInstance> _evicted = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _observer;

    /// <summary>
    /// etcd expires leases itself, so there is nothing to sweep: this reports the evictions a
    /// background watch saw since the last call. The eviction guard does not apply on etcd: its
    /// leader keeps lease deadlines, and a new leader extends every lease by a full TTL.
    /// </summary>
    public ValueTask<SweepReport> SweepAsync(CancellationToken cancellationToken)
    {
        _observer ??= Task.Run(() => ObserveEvictionsAsync(_stopping.Token), CancellationToken.None);
        var evicted = new List<MemberInstance>();
        while (_evicted.TryDequeue(out var instance))
        {
            evicted.Add(instance);
        }

        return ValueTask.FromResult(evicted.Count == 0 ? SweepReport.Empty : new SweepReport(evicted, [], Paused: false));
    }

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
                    var now = await CallAsync(o => _kv.RangeAsync(new Etcdserverpb.RangeRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8(_keys.Instances), CountOnly = true }, o), cancellationToken);
                    next = now.Header.Revision + 1;
                }

                using var stream = await EtcdWatchStream.TryOpenAsync(_watch, _keys.Instances, next, cancellationToken);
                var batch = stream is null ? new WatchBatch(WatchBatchKind.Broken, [], "could not open the watch", 0) : await stream.NextAsync(cancellationToken);
                while (batch.Kind == WatchBatchKind.Events)
                {
                    delay = _firstRetryDelay;
                    foreach (var change in batch.Events)
                    {
                        next = change.Kv.ModRevision + 1;
                        if (ToChange(change) is { Kind: MembershipChangeKind.Evicted } eviction)
                        {
                            _evicted.Enqueue(eviction.Instance);
                        }
                    }

                    batch = await stream!.NextAsync(cancellationToken);
                }

                if (batch.Kind == WatchBatchKind.Compacted)
                {
                    next = 0; // The missed evictions are gone from etcd's history; carry on from now.
                    continue;
                }

                Log.WatchBroken(_logger, _keys.Instances, batch.Reason, delay);
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                Log.WatchBroken(_logger, _keys.Instances, ex.Status.Detail, delay);
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

    private async Task StopEvictionObserverAsync()
    {
        await _stopping.CancelAsync();
        if (_observer is not null)
        {
            await _observer.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }
}
