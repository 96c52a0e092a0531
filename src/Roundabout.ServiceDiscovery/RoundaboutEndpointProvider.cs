using System.Net;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.ServiceDiscovery;
using Roundabout.Client;
using Roundabout.Contracts;

namespace Roundabout.ServiceDiscovery;

/// <summary>
/// One service's endpoints from the registry: its instances that are not suspect (all of them when
/// every one is, rather than none), limited to the schemes the request allows when an instance
/// registered its scheme. A change token fires on every watch event, so the resolver asks again.
/// When the registry lists nothing, nothing is added and the next provider (configuration, then
/// the host name itself) is used; that is logged, since it is usually a wrong name.
/// </summary>
internal sealed partial class RoundaboutEndpointProvider(RoundaboutDiscovery discovery, ServiceEndpointQuery query, ILogger logger) : IServiceEndpointProvider
{
    private const string SchemeKey = "scheme";

    public async ValueTask PopulateAsync(IServiceEndpointBuilder endpoints, CancellationToken cancellationToken)
    {
        var changed = new CancellationTokenSource();
        var subscription = discovery.Subscribe(query.ServiceName, () => changed.Cancel());
        changed.Token.Register(subscription.Dispose);
        endpoints.AddChangeToken(new CancellationChangeToken(changed.Token));

        IReadOnlyList<ServerInfo> instances;
        try
        {
            instances = await discovery.GetInstancesAsync(query.ServiceName, cancellationToken);
        }
        catch (RpcException ex)
        {
            Log.RegistryUnreachable(logger, query.ServiceName, ex.Status.Detail);
            throw;
        }

        var usable = instances.Where(i => AllowedScheme(i)).ToList();
        var live = usable.Where(i => !i.Suspect).ToList();
        if (live.Count == 0)
        {
            live = usable;
        }

        if (live.Count == 0)
        {
            Log.NoInstances(logger, query.ServiceName, discovery.Registries);
            return;
        }

        foreach (var instance in live)
        {
            if (EndpointAddress.TryParse(instance.Address, out var address, out _))
            {
                endpoints.Endpoints.Add(ServiceEndpoint.Create(new DnsEndPoint(address.Host, address.Port)));
            }
        }
    }

    private bool AllowedScheme(ServerInfo instance) =>
        query.IncludedSchemes.Count == 0
        || !instance.Metadata.TryGetValue(SchemeKey, out var scheme)
        || query.IncludedSchemes.Contains(scheme, StringComparer.OrdinalIgnoreCase);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public override string ToString() => "Roundabout";

    /// <summary>The provider's log lines (event ids 6000 to 6999, <see cref="Contracts.LogEventIds"/>).</summary>
    private static partial class Log
    {
        [LoggerMessage(6001, LogLevel.Warning, "The registry at {Registries} lists no instance of '{Service}'; other providers will be asked")]
        public static partial void NoInstances(ILogger logger, string service, string registries);

        [LoggerMessage(6002, LogLevel.Warning, "Cannot resolve '{Service}' through the registry: {Reason}")]
        public static partial void RegistryUnreachable(ILogger logger, string service, string reason);
    }
}
