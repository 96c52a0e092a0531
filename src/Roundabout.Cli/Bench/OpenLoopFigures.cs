namespace Roundabout.Cli.Bench;

/// <summary>What only an open-loop run has: its rate, its timeout, and the calls that succeeded within it.</summary>
public sealed record OpenLoopFigures(int Rate, TimeSpan Timeout, long OnTime)
{
    /// <summary>The share of <paramref name="planned"/> calls that succeeded within the timeout of their planned start.</summary>
    public double OnTimeShare(long planned) => planned == 0 ? 0 : OnTime / (double)planned;
}
