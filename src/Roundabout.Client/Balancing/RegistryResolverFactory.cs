using Grpc.Net.Client.Balancer;
using Roundabout.Client.Discovery;
using Roundabout.Client.Network;

namespace Roundabout.Client.Balancing;

/// <summary>Resolves <c>roundabout:///service</c> addresses from one client's <see cref="ServerDirectory"/>.</summary>
internal sealed class RegistryResolverFactory(ServerDirectory directory, NameResolver names) : ResolverFactory
{
    public const string Scheme = "roundabout";

    public override string Name => Scheme;

    public override Resolver Create(ResolverOptions options) => new RegistryResolver(directory, names, options.LoggerFactory);
}
