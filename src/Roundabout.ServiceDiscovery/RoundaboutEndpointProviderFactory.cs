using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ServiceDiscovery;
using Roundabout.Client;

namespace Roundabout.ServiceDiscovery;

/// <summary>Creates a <see cref="RoundaboutEndpointProvider"/> for every service name asked for.</summary>
internal sealed class RoundaboutEndpointProviderFactory(RoundaboutDiscovery discovery, ILoggerFactory loggerFactory) : IServiceEndpointProviderFactory
{
    public bool TryCreateProvider(ServiceEndpointQuery query, [NotNullWhen(true)] out IServiceEndpointProvider? provider)
    {
        provider = new RoundaboutEndpointProvider(discovery, query, loggerFactory.CreateLogger<RoundaboutEndpointProvider>());
        return true;
    }
}
