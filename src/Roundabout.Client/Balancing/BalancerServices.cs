using Grpc.Net.Client.Balancer;

namespace Roundabout.Client.Balancing;

/// <summary>
/// The two services grpc-dotnet asks a channel's service provider for: our resolver factory and our
/// balancer factories. Everything else it asks for falls back to its defaults. A full dependency
/// injection container would cost start-up time and a package for these two lookups.
/// </summary>
internal sealed class BalancerServices(ResolverFactory resolver, IEnumerable<LoadBalancerFactory> balancers) : IServiceProvider
{
    private readonly ResolverFactory[] _resolvers = [resolver];
    private readonly LoadBalancerFactory[] _balancers = [.. balancers];

    public object? GetService(Type serviceType) =>
        serviceType == typeof(IEnumerable<ResolverFactory>) ? _resolvers
        : serviceType == typeof(IEnumerable<LoadBalancerFactory>) ? _balancers
        : serviceType == typeof(ResolverFactory) ? _resolvers[0]
        : serviceType == typeof(LoadBalancerFactory) ? _balancers[0]
        : null;
}
