using Grpc.Net.Client.Balancer;
using Microsoft.Extensions.Logging;

namespace Roundabout.Client.Balancing;

/// <summary>
/// grpc-dotnet's subchannel management (one connection per server, reconnects, ready tracking)
/// with our pickers. grpc-dotnet's built-in round_robin picker is internal and has no hook for a
/// call's outcome, so it can neither eject a failing server nor count outstanding calls; the
/// pickers here add exactly that.
/// </summary>
internal sealed class RoundaboutBalancer : SubchannelsLoadBalancer
{
    private readonly BalancingPolicy _policy;
    private readonly ServerHealth _health;
    private readonly Random _random;
    private readonly TimeProvider _time;

    public RoundaboutBalancer(IChannelControlHelper controller, ILoggerFactory loggerFactory, BalancingPolicy policy, ServerHealth health, Random random, TimeProvider time, ConnectionProgress progress)
        : base(new ProgressReportingController(controller, progress), loggerFactory)
    {
        _policy = policy;
        _health = health;
        _random = random;
        _time = time;
    }

    protected override SubchannelPicker CreatePicker(IReadOnlyList<Subchannel> readySubchannels) => _policy switch
    {
        BalancingPolicy.PowerOfTwoChoices => new PowerOfTwoChoicesPicker(readySubchannels, _health, _random),
        BalancingPolicy.PeakEwma => new PeakEwmaPicker(readySubchannels, _health, _random, _time),
        // In list order from the first server: a fresh session's calls go 9001, 9002, 9001, ...
        _ => new RoundRobinPicker(readySubchannels, _health, start: 0),
    };
}
