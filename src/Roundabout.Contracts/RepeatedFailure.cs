namespace Roundabout.Contracts;

/// <summary>
/// Keeps a failure that repeats every second (a registry or a store that is down) to a few log
/// lines: the first failure is logged at once, then one summary with the time and the count of
/// attempts after 10 s, 30 s and 70 s and then every minute, and one line when it ends.
/// </summary>
public sealed class RepeatedFailure(TimeProvider time)
{
    private static readonly TimeSpan _firstSummary = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan _longestQuiet = TimeSpan.FromMinutes(1);
    private readonly Lock _lock = new();
    private long _since;
    private int _attempts;
    private TimeSpan _nextSummary;
    private TimeSpan _lastSummary;

    /// <summary>Counts one failure and says whether to log it, and how.</summary>
    public FailureReport Fail()
    {
        lock (_lock)
        {
            _attempts++;
            if (_attempts == 1)
            {
                _since = time.GetTimestamp();
                _nextSummary = _firstSummary;
                _lastSummary = TimeSpan.Zero;
                return new FailureReport(FailureLog.First, TimeSpan.Zero, 1);
            }

            var elapsed = time.GetElapsedTime(_since);
            if (elapsed < _nextSummary)
            {
                return new FailureReport(FailureLog.Quiet, elapsed, _attempts);
            }

            var gap = _nextSummary - _lastSummary;
            _lastSummary = _nextSummary;
            _nextSummary += gap * 2 < _longestQuiet ? gap * 2 : _longestQuiet;
            return new FailureReport(FailureLog.Summary, elapsed, _attempts);
        }
    }

    /// <summary>Ends the run of failures; returns how long it lasted and how many attempts failed, or null when nothing was failing.</summary>
    public FailureReport? Succeed()
    {
        lock (_lock)
        {
            if (_attempts == 0)
            {
                return null;
            }

            var report = new FailureReport(FailureLog.Ended, time.GetElapsedTime(_since), _attempts);
            _attempts = 0;
            return report;
        }
    }
}

public enum FailureLog
{
    /// <summary>Counted, not logged.</summary>
    Quiet,

    /// <summary>The first of a run: log it in full.</summary>
    First,

    /// <summary>Log how long it has lasted and how many attempts failed.</summary>
    Summary,

    /// <summary>The run is over.</summary>
    Ended,
}

public readonly record struct FailureReport(FailureLog Log, TimeSpan For, int Attempts);
