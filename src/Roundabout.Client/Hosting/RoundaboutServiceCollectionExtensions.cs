using System.Diagnostics.Metrics;
using Grpc.Net.Client.Balancer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Roundabout.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Roundabout discovery in an application's container.</summary>
public static class RoundaboutServiceCollectionExtensions
{
    /// <summary>
    /// Adds one <see cref="RoundaboutDiscovery"/> and its gRPC resolver and balancers, so that a
    /// <c>GrpcChannel</c> (or a client from <c>AddGrpcClient</c>) whose address is
    /// <c>roundabout:///NAME</c> and whose <c>ServiceProvider</c> is the container resolves NAME
    /// through the registry and balances over its live instances. Calling it again only adds
    /// more configuration to the same discovery.
    /// </summary>
    public static IServiceCollection AddRoundaboutDiscovery(this IServiceCollection services, Action<RoundaboutDiscoveryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null)
        {
            services.AddSingleton(new DiscoveryConfiguration(configure));
        }

        if (services.Any(d => d.ServiceType == typeof(RoundaboutDiscovery)))
        {
            return services;
        }

        services.TryAddSingleton(provider =>
        {
            var options = new RoundaboutDiscoveryOptions
            {
                MeterFactory = provider.GetService<IMeterFactory>(),
                TimeProvider = provider.GetService<TimeProvider>() ?? TimeProvider.System,
            };
            foreach (var configuration in provider.GetServices<DiscoveryConfiguration>())
            {
                configuration.Configure(options);
            }

            return new RoundaboutDiscovery(options, provider.GetService<ILoggerFactory>());
        });
        services.AddSingleton<ResolverFactory>(provider => provider.GetRequiredService<RoundaboutDiscovery>().ResolverFactory);
        foreach (var policy in Enum.GetValues<BalancingPolicy>())
        {
            services.AddSingleton<LoadBalancerFactory>(provider =>
                provider.GetRequiredService<RoundaboutDiscovery>().LoadBalancerFactories[(int)policy]);
        }

        return services;
    }

    private sealed class DiscoveryConfiguration(Action<RoundaboutDiscoveryOptions> configure)
    {
        public Action<RoundaboutDiscoveryOptions> Configure { get; } = configure;
    }
}
