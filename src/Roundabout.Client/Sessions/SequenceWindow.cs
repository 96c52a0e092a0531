namespace Roundabout.Client.Sessions;

/// <summary>
/// The sequences of one session on one accumulator: the next number to give out, and the ones
/// still in flight. The floor sent with each attempt is the lowest sequence still in flight, so
/// the store may forget every answer below it. A call leaves the window when its answer arrived
/// or when it was given up for good; either way no attempt of it will be sent again.
/// </summary>
internal sealed class SequenceWindow
{
    private readonly Lock _lock = new();
    private readonly SortedSet<ulong> _inFlight = [];
    private ulong _next = 1;

    /// <summary>Takes the next sequence and counts it in flight.</summary>
    public ulong Begin()
    {
        lock (_lock)
        {
            var sequence = _next++;
            _inFlight.Add(sequence);
            return sequence;
        }
    }

    /// <summary>The confirmation floor now: the lowest sequence in flight (the next one when none is).</summary>
    public ulong ConfirmedBelow
    {
        get
        {
            lock (_lock)
            {
                return _inFlight.Count > 0 ? _inFlight.Min : _next;
            }
        }
    }

    /// <summary>The call ended (answered, or given up); it no longer holds the floor down.</summary>
    public void End(ulong sequence)
    {
        lock (_lock)
        {
            _inFlight.Remove(sequence);
        }
    }

    /// <summary>Calls in flight (tests).</summary>
    internal int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _inFlight.Count;
            }
        }
    }
}
