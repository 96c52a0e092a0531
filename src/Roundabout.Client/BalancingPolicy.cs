namespace Roundabout.Client;

/// <summary>How the client spreads calls over the cached servers.</summary>
public enum BalancingPolicy
{
    /// <summary>The exercise's round-robin: each call goes to the next ready server in turn.</summary>
    RoundRobin,

    /// <summary>Power of two choices: two random servers, the one with fewer outstanding calls wins.</summary>
    PowerOfTwoChoices,
}
