using Grpc.Core;
using Roundabout.Contracts.Registry.V1;

namespace Roundabout.Client.Discovery;

/// <summary>
/// Follows a registry's watch stream: a snapshot, then changes in revision order. When the stream
/// breaks it reconnects, to the next registry, after the backoff of <see cref="RegistryWatchOptions"/>;
/// the new stream starts with a fresh snapshot, so nothing is missed. The one watch loop of the
/// client library and the dashboard.
/// </summary>
internal static class RegistryWatcher
{
    public static async Task RunAsync(
        IRegistryWatchTarget registries,
        string service,
        IRegistryWatchObserver observer,
        RegistryWatchOptions options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var backoff = options.FirstBackoff;
        while (!cancellationToken.IsCancellationRequested)
        {
            var registry = "";
            RpcException? error = null;
            try
            {
                using var call = registries.OpenWatch(service, out registry, cancellationToken);
                long revision = -1;
                var opened = false;
                await foreach (var update in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    if (!opened)
                    {
                        opened = true;
                        backoff = options.FirstBackoff;
                        observer.Opened(registry);
                    }

                    if (update.EventCase == WatchEvent.EventOneofCase.Snapshot)
                    {
                        revision = update.Revision;
                        observer.Snapshot(registry, revision, update.Snapshot.Instances);
                    }
                    else if (update.EventCase == WatchEvent.EventOneofCase.Change && update.Revision > revision)
                    {
                        revision = update.Revision;
                        observer.Changed(update.Change, revision);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException ex) when (cancellationToken.IsCancellationRequested && ex.StatusCode == StatusCode.Cancelled)
            {
                return;
            }
            catch (RpcException ex)
            {
                error = ex;
            }

            observer.Broken(registry, error, backoff);
            registries.MoveToNext();
            try
            {
                await Task.Delay(backoff, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = options.Next(backoff);
        }
    }
}
