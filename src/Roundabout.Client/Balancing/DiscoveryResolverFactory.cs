using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;

namespace Roundabout.Client.Balancing;

/// <summary>
/// Resolves <c>roundabout:///service</c> for any service through one <see cref="RoundaboutDiscovery"/>:
/// the service's watched instance list, published with a service config that names the
/// discovery's balancing policy, so a plain <c>GrpcChannel</c> balances with it.
/// </summary>
internal sealed class DiscoveryResolverFactory(RoundaboutDiscovery discovery) : ResolverFactory
{
    public override string Name => RegistryResolverFactory.Scheme;

    public override Resolver Create(ResolverOptions options)
    {
        var service = Uri.UnescapeDataString(options.Address.AbsolutePath.TrimStart('/'));
        if (service.Length == 0)
        {
            throw new InvalidOperationException(
                $"'{options.Address}' names no service. Write the address as {RegistryResolverFactory.Scheme}:///SERVICE, for example {RegistryResolverFactory.Scheme}:///orders.");
        }

        var config = new ServiceConfig
        {
            LoadBalancingConfigs = { new LoadBalancingConfig(RoundaboutBalancerFactory.NameOf(discovery.Policy)) },
        };
        return new RegistryResolver(discovery.DirectoryOf(service), discovery.Names, options.LoggerFactory, config);
    }
}
