using Grpc.Core;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.Logging;
using Roundabout.Client.Discovery;
using Roundabout.Contracts;

namespace Roundabout.Client.Balancing;

/// <summary>
/// The channel's resolver, backed by the registry through <see cref="ServerDirectory"/>. It
/// publishes the cached list; it never asks the registry by itself, so the balancer's refresh
/// requests (sent whenever a connection drops) do not undo the exercise's caching. When the
/// directory's list changes (a refresh, the watch stream) the new list is pushed at once.
/// </summary>
internal sealed class RegistryResolver : PollingResolver
{
    private readonly ServerDirectory _directory;
    private readonly ServiceConfig? _serviceConfig;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private bool _started;
    private bool _disposed;

    /// <param name="directory">The cached list to publish.</param>
    /// <param name="loggerFactory">The channel's logger factory.</param>
    /// <param name="serviceConfig">Published with every list (the balancing policy of a discovery channel); null publishes none, and the channel's own applies.</param>
    public RegistryResolver(ServerDirectory directory, ILoggerFactory loggerFactory, ServiceConfig? serviceConfig = null)
        : base(loggerFactory)
    {
        _directory = directory;
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

    private void Publish()
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
            foreach (var server in servers)
            {
                if (EndpointAddress.TryParse(server.Address, out var endpoint, out _))
                {
                    addresses.Add(ServerAddresses.ToBalancerAddress(endpoint, server.Address));
                }
            }

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
        base.Dispose(disposing);
    }
}
