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
    private readonly double _frequency;
    private double _value;
    private long _stamp;
    private int _samples;
    private int _pending;
    private long _busySince;

    public PeakEwma(TimeSpan decay, TimeProvider time)
    {
        // Timestamps tick at the provider's frequency, not at TimeSpan's.
        _decayTicks = decay.TotalSeconds * time.TimestampFrequency;
        _frequency = time.TimestampFrequency;
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

    /// <summary>A call to the server starts at <paramref name="now"/>.</summary>
    public void CallStarted(long now)
    {
        lock (_gate)
        {
            if (_pending++ == 0)
            {
                _busySince = now;
            }
        }
    }

    /// <summary>A call to the server ends at <paramref name="now"/>: the server made progress.</summary>
    public void CallEnded(long now)
    {
        lock (_gate)
        {
            if (--_pending > 0)
            {
                _busySince = now;
            }
        }
    }

    /// <summary>
    /// How long, in milliseconds, the server has had calls in flight without finishing one: a
    /// lower bound on the latency of its next answer. A server that has just turned slow has no
    /// slow sample yet, so its average alone would keep it cheap until its first slow answer;
    /// this makes it costly within a few of its peers' latencies. 0 while nothing is in flight.
    /// </summary>
    public double Stalled(long now)
    {
        lock (_gate)
        {
            return _pending > 0 ? Math.Max(now - _busySince, 0) * 1000.0 / _frequency : 0;
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
