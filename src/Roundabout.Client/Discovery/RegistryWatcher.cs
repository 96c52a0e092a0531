using Grpc.Core;
using Microsoft.Extensions.Logging;
using Roundabout.Contracts.Registry.V1;

namespace Roundabout.Client.Discovery;

/// <summary>
/// Follows the registry's watch stream: a snapshot, then changes in revision order. When the
/// stream breaks it reconnects, to the next registry, after a backoff that grows to 5 s; the new
/// stream starts with a fresh snapshot, so nothing is missed.
/// </summary>
internal static class RegistryWatcher
{
    private static readonly TimeSpan _firstBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan _maxBackoff = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(
        RegistryEndpoints registry,
        string service,
        Action<IReadOnlyList<ServerInfo>, string> onList,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var backoff = _firstBackoff;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var call = registry.OpenWatch(service, out var address, cancellationToken);
                var servers = new List<ServerInfo>();
                long revision = -1;
                await foreach (var update in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    backoff = _firstBackoff;
                    var change = Apply(registry, servers, update, ref revision);
                    if (change is not null)
                    {
                        onList(servers.ToArray(), change);
                    }
                }

                Log.WatchEnded(logger, address);
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
                Log.WatchBroken(logger, ex.StatusCode, ex.Status.Detail, backoff.TotalSeconds);
            }

            registry.MoveToNext();
            try
            {
                await Task.Delay(backoff, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _maxBackoff.Ticks));
        }
    }

    /// <summary>Applies one event; returns a description of the change, or null when it changed nothing.</summary>
    internal static string? Apply(RegistryEndpoints registry, List<ServerInfo> servers, WatchEvent update, ref long revision)
    {
        if (update.EventCase == WatchEvent.EventOneofCase.Snapshot)
        {
            revision = update.Revision;
            servers.Clear();
            servers.AddRange(registry.ToServers(update.Snapshot.Instances));
            return $"snapshot at revision {update.Revision}";
        }

        if (update.EventCase != WatchEvent.EventOneofCase.Change || update.Revision <= revision)
        {
            return null;
        }

        revision = update.Revision;
        if (registry.ToServer(update.Change.Instance) is not { } server)
        {
            return null;
        }

        var index = servers.FindIndex(s => string.Equals(s.Address, server.Address, StringComparison.OrdinalIgnoreCase));
        switch (update.Change.Kind)
        {
            case ChangeKind.Left:
            case ChangeKind.Evicted:
                if (index >= 0)
                {
                    servers.RemoveAt(index);
                }

                break;
            default:
                if (index >= 0)
                {
                    servers[index] = server;
                }
                else
                {
                    servers.Add(server);
                }

                break;
        }

        var kind = update.Change.Kind switch
        {
            ChangeKind.Joined => "joined",
            ChangeKind.Left => "left",
            ChangeKind.Evicted => "evicted",
            ChangeKind.Updated => "updated",
            _ => "changed",
        };
        return $"{server.Address} {kind}";
    }
}
