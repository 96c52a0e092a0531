using System.Globalization;

namespace Roundabout.Server.Faults;

/// <summary>A delay added to a share of calls: <c>200ms</c> (every call) or <c>2s@0.1</c> (one call in ten).</summary>
public sealed record InjectedLatency(TimeSpan Delay, double Fraction)
{
    public void Validate()
    {
        if (Delay <= TimeSpan.Zero || Delay > FaultOptions.MaxLatency)
        {
            throw new ArgumentOutOfRangeException(nameof(Delay), Delay, "The injected latency must be more than 0 and at most 1 minute, for example 200ms or 2s.");
        }

        if (double.IsNaN(Fraction) || Fraction is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Fraction), Fraction, "The share of delayed calls must be more than 0 and at most 1, as in 2s@0.1.");
        }
    }

    /// <summary>As the option spells it: <c>200ms</c>, or <c>2s@0.1</c> when only some calls are delayed.</summary>
    public override string ToString()
    {
        var delay = Delay.TotalMilliseconds < 1000 || Delay.TotalMilliseconds % 1000 != 0
            ? string.Create(CultureInfo.InvariantCulture, $"{Delay.TotalMilliseconds:0.###}ms")
            : string.Create(CultureInfo.InvariantCulture, $"{Delay.TotalSeconds:0}s");
        return Fraction >= 1 ? delay : string.Create(CultureInfo.InvariantCulture, $"{delay}@{Fraction:0.####}");
    }
}
