using Grpc.Core;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.Logging;
using Roundabout.Client.Discovery;
using Roundabout.Client.Network;
using Roundabout.Contracts;

namespace Roundabout.Client.Balancing;

/// <summary>
/// The channel's resolver, backed by the registry through <see cref="ServerDirectory"/>. It
/// publishes the cached list; it never asks the registry by itself, so the balancer's refresh
/// requests (sent whenever a connection drops) do not undo the exercise's caching. When the
/// directory's list changes (a refresh, the watch stream) the new list is pushed at once.
/// Only servers whose host names resolve are published (looked up by <see cref="NameResolver"/>,
/// off the thread pool): anyone may list an instance in a registry without a token, and a name
/// that never resolves would otherwise cost a connection attempt, and a pool thread held by the
/// system's lookup, each time the channel tried it. A name is published once its lookup answers;
/// once published, a server stays until the registry drops it.
/// </summary>
internal sealed class RegistryResolver : PollingResolver
{
    private readonly ServerDirectory _directory;
    private readonly NameResolver _names;
    private readonly ServiceConfig? _serviceConfig;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _dialled = new(StringComparer.Ordinal);
    private bool _started;
    private bool _disposed;
    private bool _resultSent;
    private int _republishQueued;

    /// <param name="directory">The cached list to publish.</param>
    /// <param name="names">Looks the servers' host names up.</param>
    /// <param name="loggerFactory">The channel's logger factory.</param>
    /// <param name="serviceConfig">Published with every list (the balancing policy of a discovery channel); null publishes none, and the channel's own applies.</param>
    public RegistryResolver(ServerDirectory directory, NameResolver names, ILoggerFactory loggerFactory, ServiceConfig? serviceConfig = null)
        : base(loggerFactory)
    {
        _directory = directory;
        _names = names;
        _serviceConfig = serviceConfig;
        _logger = loggerFactory.CreateLogger<RegistryResolver>();
    }

    protected override void OnStarted()
    {
        lock (_gate)
        {
            _started = true;
        }

        _directory.Changed += Publish;
        _names.LookupEnded += OnLookupEnded;
    }

    protected override async Task ResolveAsync(CancellationToken cancellationToken)
    {
        if (!_directory.HasFetched)
        {
            // A discovery channel's first resolution: the list is fetched here, not published empty.
            try
            {
                await _directory.EnsureFetchedAsync(cancellationToken);
            }
            catch (RpcException ex)
            {
                Listener(ResolverResult.ForFailure(ex.Status));
                return;
            }
        }

        Publish();
    }

    private void Publish() => Publish(onlyIfChanged: false);

    /// <summary>A name's lookup ended: the servers to publish may have changed (many lookups ending at once publish once).</summary>
    private void OnLookupEnded()
    {
        if (Interlocked.Exchange(ref _republishQueued, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(
                static resolver =>
                {
                    Volatile.Write(ref resolver._republishQueued, 0);
                    resolver.Publish(onlyIfChanged: true);
                },
                this,
                preferLocal: false);
        }
    }

    private void Publish(bool onlyIfChanged)
    {
        lock (_gate)
        {
            if (!_started || _disposed)
            {
                return;
            }

            var servers = _directory.Current;
            if (servers.Count == 0)
            {
                Listener(ResolverResult.ForFailure(new Status(StatusCode.Unavailable, _directory.EmptyListMessage)));
                return;
            }

            var addresses = new List<BalancerAddress>(servers.Count);
            var published = new List<string>(servers.Count);
            var lookingUp = 0;
            var unresolved = new List<string>();
            foreach (var server in servers)
            {
                if (!EndpointAddress.TryParse(server.Address, out var endpoint, out _))
                {
                    continue;
                }

                // Once dialled, a server stays until the registry drops it, whatever its name does later.
                var name = _dialled.Contains(server.Address) ? NameState.Resolves : _names.Check(endpoint.Host);
                switch (name)
                {
                    case NameState.Resolves:
                        addresses.Add(ServerAddresses.ToBalancerAddress(endpoint, server.Address));
                        published.Add(server.Address);
                        break;
                    case NameState.LookingUp:
                        lookingUp++;
                        break;
                    default:
                        unresolved.Add(server.Address);
                        break;
                }
            }

            if (onlyIfChanged && _resultSent && _dialled.SetEquals(published))
            {
                return;
            }

            if (addresses.Count == 0)
            {
                if (lookingUp == 0)
                {
                    // Every listed name failed: the channel's picks fail with this status, which says why.
                    _resultSent = true;
                    _dialled.Clear();
                    Listener(ResolverResult.ForFailure(new Status(StatusCode.Unavailable, $"No listed server's host name resolves ({string.Join(", ", unresolved.Take(3))}{(unresolved.Count > 3 ? $" and {unresolved.Count - 3} more" : "")}).")));
                }

                // Otherwise the first name to resolve is published when its lookup ends.
                return;
            }

            _resultSent = true;
            _dialled.Clear();
            _dialled.UnionWith(published);
            Log.ResolverPublished(_logger, addresses.Count);
            Listener(ResolverResult.ForResult(addresses, _serviceConfig, serviceConfigStatus: null));
        }
    }

    protected override void Dispose(bool disposing)
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _directory.Changed -= Publish;
        _names.LookupEnded -= OnLookupEnded;
        base.Dispose(disposing);
    }
}
