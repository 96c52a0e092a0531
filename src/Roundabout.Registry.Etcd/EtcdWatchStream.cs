using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace Roundabout.Registry.Etcd;

/// <summary>What one read of an etcd watch gave.</summary>
internal enum WatchBatchKind
{
    Events,

    /// <summary>etcd compacted the history the watch needed: the watcher must start from a fresh snapshot.</summary>
    Compacted,

    /// <summary>The stream failed (a member died, the network broke): reconnect, then start from a fresh snapshot.</summary>
    Broken,
}

internal sealed record WatchBatch(WatchBatchKind Kind, IReadOnlyList<Mvccpb.Event> Events, string Reason, long Revision);

/// <summary>One etcd watch on a key prefix, from a start revision, with each event's previous value.</summary>
internal sealed class EtcdWatchStream : IDisposable
{
    private readonly AsyncDuplexStreamingCall<WatchRequest, WatchResponse> _call;

    private EtcdWatchStream(AsyncDuplexStreamingCall<WatchRequest, WatchResponse> call)
    {
        _call = call;
    }

    public static async Task<EtcdWatchStream?> TryOpenAsync(Watch.WatchClient client, string prefix, long startRevision, CancellationToken cancellationToken)
    {
        var call = client.Watch(cancellationToken: cancellationToken);
        try
        {
            await call.RequestStream.WriteAsync(new WatchRequest
            {
                CreateRequest = new WatchCreateRequest
                {
                    Key = ByteString.CopyFromUtf8(prefix),
                    RangeEnd = EtcdKeys.RangeEnd(prefix),
                    StartRevision = startRevision,
                    PrevKv = true,
                },
            }, cancellationToken);
            return new EtcdWatchStream(call);
        }
        catch (RpcException) when (!cancellationToken.IsCancellationRequested)
        {
            call.Dispose();
            return null;
        }
    }

    /// <summary>The next batch of events, or why there are no more.</summary>
    public async Task<WatchBatch> NextAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _call.ResponseStream.MoveNext(cancellationToken))
            {
                var response = _call.ResponseStream.Current;
                if (response.CompactRevision > 0)
                {
                    return new WatchBatch(WatchBatchKind.Compacted, [], $"compacted at {response.CompactRevision}", response.CompactRevision);
                }

                if (response.Canceled)
                {
                    return new WatchBatch(WatchBatchKind.Broken, [], $"cancelled by etcd: {response.CancelReason}", response.Header?.Revision ?? 0);
                }

                if (response.Events.Count > 0)
                {
                    return new WatchBatch(WatchBatchKind.Events, response.Events, string.Empty, response.Header.Revision);
                }
            }

            return new WatchBatch(WatchBatchKind.Broken, [], "the stream ended", 0);
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new WatchBatch(WatchBatchKind.Broken, [], $"{ex.StatusCode}: {ex.Status.Detail}", 0);
        }
        catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new WatchBatch(WatchBatchKind.Broken, [], ex.Message, 0);
        }
    }

    public void Dispose() => _call.Dispose();
}
