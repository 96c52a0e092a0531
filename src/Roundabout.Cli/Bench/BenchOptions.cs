namespace Roundabout.Cli.Bench;

/// <summary>One load run: which call, how many at once, and for how long or how many in all.</summary>
public sealed class BenchOptions
{
    public const int MaxConcurrency = 1024;
    public const int MaxRate = 100_000;
    public const long MaxRequests = 10_000_000;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(1);

    public BenchOperation Operation { get; set; } = BenchOperation.Sum;

    public int Concurrency { get; set; } = 16;

    /// <summary>
    /// Open loop: start this many calls per second, each at its planned time, whatever the latency
    /// (null: the closed loop of <see cref="Concurrency"/> workers).
    /// </summary>
    public int? Rate { get; set; }

    /// <summary>In the open loop, a call succeeds only if it answers within this time of its planned start.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Run for this long. Exactly one of <see cref="Duration"/> and <see cref="Requests"/> is set.</summary>
    public TimeSpan? Duration { get; set; }

    /// <summary>Run this many calls in all.</summary>
    public long? Requests { get; set; }

    /// <summary>The accumulator multiply runs on; kept apart from the user's global one.</summary>
    public string AccumulatorName { get; set; } = "bench";

    /// <summary>The factor multiply uses: 1 keeps the accumulator below the size cap however long the run.</summary>
    public string Factor { get; set; } = "1";

    /// <summary>How often the progress callback runs.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);

    public void Validate()
    {
        if (Concurrency is < 1 or > MaxConcurrency)
        {
            throw new ArgumentOutOfRangeException(nameof(Concurrency), Concurrency, $"the concurrency must be from 1 to {MaxConcurrency}");
        }

        if (Rate is < 1 or > MaxRate)
        {
            throw new ArgumentOutOfRangeException(nameof(Rate), Rate, $"the rate must be from 1 to {MaxRate} calls per second");
        }

        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "the timeout must be more than 0 and at most 1 hour");
        }

        if (Duration is null == Requests is null)
        {
            throw new ArgumentException("give either a duration or a number of requests, not both");
        }

        if (Duration is { } duration && (duration <= TimeSpan.Zero || duration > MaxDuration))
        {
            throw new ArgumentOutOfRangeException(nameof(Duration), duration, "the duration must be more than 0 and at most 1 hour");
        }

        if (Requests is { } requests && requests is < 1 or > MaxRequests)
        {
            throw new ArgumentOutOfRangeException(nameof(Requests), requests, $"the number of requests must be from 1 to {MaxRequests}");
        }

        if (ProgressInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ProgressInterval), ProgressInterval, "must be more than 0");
        }
    }
}
