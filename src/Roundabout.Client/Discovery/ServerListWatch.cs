using Grpc.Core;
using Microsoft.Extensions.Logging;
using Roundabout.Contracts.Registry.V1;

namespace Roundabout.Client.Discovery;

/// <summary>
/// The client's side of <see cref="RegistryWatcher"/>: keeps the server list the stream describes
/// and hands each new list, with a description of the change, to <c>onList</c>.
/// </summary>
internal sealed class ServerListWatch(RegistryEndpoints registry, Action<IReadOnlyList<ServerInfo>, string> onList, ILogger logger)
    : IRegistryWatchObserver
{
    private readonly List<ServerInfo> _servers = [];

    /// <summary>Follows the watch stream of <paramref name="service"/> until cancelled.</summary>
    public static Task RunAsync(
        RegistryEndpoints registry,
        string service,
        Action<IReadOnlyList<ServerInfo>, string> onList,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken) =>
        RegistryWatcher.RunAsync(registry, service, new ServerListWatch(registry, onList, logger), RegistryWatchOptions.Default, time, cancellationToken);

    void IRegistryWatchObserver.Opened(string registry) => _servers.Clear();

    void IRegistryWatchObserver.Snapshot(string registryAddress, long revision, IReadOnlyList<Instance> instances)
    {
        _servers.Clear();
        _servers.AddRange(registry.ToServers(instances));
        onList(_servers.ToArray(), $"snapshot at revision {revision}");
    }

    void IRegistryWatchObserver.Changed(InstanceChange change, long revision)
    {
        if (Apply(_servers, change, registry.ToServer(change.Instance)) is { } description)
        {
            onList(_servers.ToArray(), description);
        }
    }

    void IRegistryWatchObserver.Broken(string registryAddress, RpcException? error, TimeSpan retryIn)
    {
        if (error is null)
        {
            Log.WatchEnded(logger, registryAddress);
        }
        else
        {
            Log.WatchBroken(logger, error.StatusCode, error.Status.Detail, retryIn.TotalSeconds);
        }
    }

    /// <summary>Applies one change to <paramref name="servers"/>; returns a description of it, or null when the instance is invalid.</summary>
    internal static string? Apply(List<ServerInfo> servers, InstanceChange change, ServerInfo? server)
    {
        if (server is null)
        {
            return null;
        }

        var index = servers.FindIndex(s => string.Equals(s.Address, server.Address, StringComparison.OrdinalIgnoreCase));
        switch (change.Kind)
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

        var kind = change.Kind switch
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
