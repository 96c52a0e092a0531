namespace Roundabout.Client;

/// <summary>
/// How the <see cref="BalancingPolicy.PeakEwma"/> policy weighs latency, and when it skips a server
/// far slower than its peers (latency outlier ejection). The ejection lasts as long as an ejection
/// for failures (<see cref="OutlierOptions.BaseEjectionTime"/> times the number of ejections).
/// </summary>
public sealed class LatencyOptions
{
    /// <summary>The time constant of the moving average: a sample's weight falls to 1/e after this long. Default: 10 s.</summary>
    public TimeSpan Decay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A server whose average is more than this many times the median of its peers' is ejected. Default: 5.</summary>
    public double OutlierFactor { get; set; } = 5;

    /// <summary>No server is ejected for an average below this, however fast its peers are. Default: 100 ms.</summary>
    public TimeSpan OutlierFloor { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The samples a server needs before it can be ejected for latency (one is enough on probation, just after an ejection). Default: 3.</summary>
    public int MinSamples { get; set; } = 3;

    /// <summary>The most ready servers, in percent, that may be ejected at once for latency; at least one may always be. Default: 20.</summary>
    public int MaxEjectedPercent { get; set; } = 20;

    internal void Validate()
    {
        if (Decay <= TimeSpan.Zero || Decay > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(Decay), Decay, "must be more than 0 and at most 1 hour");
        }

        if (double.IsNaN(OutlierFactor) || OutlierFactor < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(OutlierFactor), OutlierFactor, "must be at least 1");
        }

        if (OutlierFloor < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(OutlierFloor), OutlierFloor, "must not be negative");
        }

        if (MinSamples < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MinSamples), MinSamples, "must be at least 1");
        }

        if (MaxEjectedPercent is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxEjectedPercent), MaxEjectedPercent, "must be from 0 to 100");
        }
    }
}
