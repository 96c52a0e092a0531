namespace Roundabout.Client.Retries;

/// <summary>
/// The retries of store failures a session may send (docs/client.md, "Retries and their budget").
/// Failover to another server when one is down is not counted here: it is bounded by the servers
/// cached (<see cref="RoundaboutClientOptions.MaxAttempts"/>).
/// </summary>
public sealed class RetryBudgetOptions
{
    /// <summary>The share of a retry each call saves. Default: 0.2 (at most one retry per five calls once the reserve is spent).</summary>
    public double Ratio { get; set; } = 0.2;

    /// <summary>Retries a fresh session may send before any call saved one; time refills the balance up to this. Default: 100.</summary>
    public int Reserve { get; set; } = 100;

    /// <summary>How fast time refills the balance, up to <see cref="Reserve"/>, in retries per second. Default: 10.</summary>
    public double MinPerSecond { get; set; } = 10;

    /// <summary>The most retries saved up, so a long quiet run cannot bank an unbounded burst. Default: 1,000.</summary>
    public int MaxSaved { get; set; } = 1000;

    /// <summary>The most retries of store failures one call sends, within its deadline. Default: 10.</summary>
    public int MaxPerCall { get; set; } = 10;

    /// <summary>The first wait before a retry; each next one doubles, up to <see cref="MaxBackoff"/>, with jitter. Default: 25 ms.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>The longest wait before a retry. Default: 1 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Ratio is < 0 or > 1 || double.IsNaN(Ratio))
        {
            throw new ArgumentOutOfRangeException(nameof(Ratio), Ratio, "the retry ratio must be from 0 to 1");
        }

        if (MinPerSecond is < 0 or > 10_000 || double.IsNaN(MinPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(MinPerSecond), MinPerSecond, "the refill must be from 0 to 10,000 retries per second");
        }

        if (Reserve is < 0 or > 100_000 || MaxSaved is < 0 or > 1_000_000 || MaxPerCall is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(Reserve), "the reserve (0 to 100,000), the most saved (0 to 1,000,000) and the retries per call (0 to 100) are out of range");
        }

        if (InitialBackoff <= TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialBackoff), "the first backoff must be positive and at most the longest");
        }
    }
}
