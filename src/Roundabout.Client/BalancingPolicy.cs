namespace Roundabout.Client;

/// <summary>How the client spreads calls over the cached servers.</summary>
public enum BalancingPolicy
{
    /// <summary>The exercise's round-robin: each call goes to the next ready server in turn.</summary>
    RoundRobin,

    /// <summary>Power of two choices: two random servers, the one with fewer outstanding calls wins.</summary>
    PowerOfTwoChoices,

    /// <summary>
    /// Peak EWMA (Finagle, Linkerd): each server's cost is a moving average of its latency that
    /// jumps up at once on a slow answer and decays over time, times its calls in flight plus one;
    /// two random servers, the cheaper wins. A server far slower than its peers is skipped for a while.
    /// </summary>
    PeakEwma,
}
