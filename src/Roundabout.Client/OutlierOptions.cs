namespace Roundabout.Client;

/// <summary>When a server that keeps failing is skipped, and for how long (as Envoy's outlier detection).</summary>
public sealed class OutlierOptions
{
    /// <summary>Failed calls in a row that eject a server. Default: 3.</summary>
    public int ConsecutiveFailures { get; set; } = 3;

    /// <summary>How long a first ejection lasts; the n-th ejection lasts n times as long. Default: 5 s.</summary>
    public TimeSpan BaseEjectionTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest an ejection lasts, however often the server was ejected. Default: 60 s.</summary>
    public TimeSpan MaxEjectionTime { get; set; } = TimeSpan.FromSeconds(60);

    internal void Validate()
    {
        if (ConsecutiveFailures < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ConsecutiveFailures), ConsecutiveFailures, "must be at least 1");
        }

        if (BaseEjectionTime <= TimeSpan.Zero || MaxEjectionTime < BaseEjectionTime)
        {
            throw new ArgumentOutOfRangeException(nameof(BaseEjectionTime), BaseEjectionTime, "must be positive and no longer than MaxEjectionTime");
        }
    }
}
