using Grpc.Net.Client.Balancer;

namespace Roundabout.Client.Balancing;

/// <summary>Creates <see cref="RoundaboutBalancer"/>s for one policy, sharing one client's <see cref="ServerHealth"/>.</summary>
internal sealed class RoundaboutBalancerFactory(BalancingPolicy policy, ServerHealth health, Random random, TimeProvider time, ConnectionProgress progress) : LoadBalancerFactory
{
    public const string RoundRobinName = "roundabout_round_robin";
    public const string PowerOfTwoChoicesName = "roundabout_p2c";
    public const string PeakEwmaName = "roundabout_peak_ewma";

    public override string Name { get; } = NameOf(policy);

    public static string NameOf(BalancingPolicy policy) => policy switch
    {
        BalancingPolicy.PowerOfTwoChoices => PowerOfTwoChoicesName,
        BalancingPolicy.PeakEwma => PeakEwmaName,
        _ => RoundRobinName,
    };

    public override LoadBalancer Create(LoadBalancerOptions options) =>
        new RoundaboutBalancer(options.Controller, options.LoggerFactory, policy, health, random, time, progress);
}
