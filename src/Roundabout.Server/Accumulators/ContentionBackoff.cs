namespace Roundabout.Server.Accumulators;

/// <summary>How long a multiply that lost a compare-and-set race waits before it tries again.</summary>
internal static class ContentionBackoff
{
    /// <summary>Attempts before a multiply gives up with <see cref="AccumulatorContentionException"/>.</summary>
    public const int MaxAttempts = 64;

    /// <summary>Exponential from 1 ms, capped at 50 ms, with full jitter so racing replicas spread out.</summary>
    public static TimeSpan Next(int attempt)
    {
        var ceiling = Math.Min(50.0, Math.Pow(2, Math.Min(attempt, 6)));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }
}
