using Microsoft.Extensions.ServiceDiscovery;
using Roundabout.Client;
using Roundabout.ServiceDiscovery;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Roundabout registry to .NET service discovery.</summary>
public static class RoundaboutServiceDiscoveryExtensions
{
    /// <summary>
    /// Resolves service names through the Roundabout registry: with <c>AddServiceDiscovery()</c>
    /// on an <c>HttpClient</c>, <c>http://orders</c> goes to a live instance of "orders". The
    /// configuration provider (<c>Services:orders:...</c>) still wins when it has the name.
    /// Shares one <see cref="RoundaboutDiscovery"/> with gRPC channels (see <c>AddRoundaboutDiscovery</c>).
    /// </summary>
    public static IServiceCollection AddRoundaboutServiceEndpointProvider(this IServiceCollection services, Action<RoundaboutDiscoveryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddServiceDiscoveryCore();
        services.AddRoundaboutDiscovery(configure);
        services.AddSingleton<IServiceEndpointProviderFactory, RoundaboutEndpointProviderFactory>();
        return services;
    }
}
