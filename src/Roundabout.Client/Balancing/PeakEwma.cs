namespace Roundabout.Client.Balancing;

/// <summary>
/// One server's peak-sensitive moving average of latency, in milliseconds (Finagle's PeakEwma): a
/// sample above the average replaces it at once; one below pulls it down with a weight that grows
/// with the time since the last sample, and without samples the average decays towards zero, so
/// a server that was slow is tried again after a while. Time is a <see cref="TimeProvider"/> timestamp.
/// </summary>
internal sealed class PeakEwma
{
    private readonly Lock _gate = new();
    private readonly double _decayTicks;
    private double _value;
    private long _stamp;
    private int _samples;

    public PeakEwma(TimeSpan decay, TimeProvider time)
    {
        // Timestamps tick at the provider's frequency, not at TimeSpan's.
        _decayTicks = decay.TotalSeconds * time.TimestampFrequency;
    }

    /// <summary>Samples since the start or the last <see cref="Reset"/>.</summary>
    public int Samples
    {
        get
        {
            lock (_gate)
            {
                return _samples;
            }
        }
    }

    public void Observe(double milliseconds, long now)
    {
        lock (_gate)
        {
            var weight = Weight(now);
            _value = milliseconds > _value ? milliseconds : (_value * weight) + (milliseconds * (1 - weight));
            _stamp = now;
            _samples++;
        }
    }

    /// <summary>The average now, decayed for the time since the last sample.</summary>
    public double Current(long now)
    {
        lock (_gate)
        {
            return _value * Weight(now);
        }
    }

    /// <summary>Forgets every sample: the server is judged afresh.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _value = 0;
            _samples = 0;
        }
    }

    private double Weight(long now) => _samples == 0 ? 0 : Math.Exp(-Math.Max(now - _stamp, 0) / _decayTicks);
}
