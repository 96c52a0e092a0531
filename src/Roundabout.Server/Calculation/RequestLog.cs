using Microsoft.Extensions.Logging;

namespace Roundabout.Server.Calculation;

/// <summary>
/// Keeps the per-request log lines (<c>Sum request: 2 + 3 = 5</c>) for a learner while the rate is
/// low, and off the hot path under load: at most <see cref="LinesPerSecond"/> request lines in each
/// second, and for the rest one summary line per second with their counts. Writing a line per
/// request cost the server a fifth to a third of its throughput under a load test.
/// </summary>
internal sealed class RequestLog : IDisposable
{
    public const int LinesPerSecond = 20;

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _summaryTimer;
    private readonly Lock _windowLock = new();
    private long _window;
    private int _lines;
    private long _quietSums;
    private long _quietMultiplies;

    public RequestLog(TimeProvider time, ILogger<CalculatorService> logger)
    {
        _time = time;
        _logger = logger;
        _window = CurrentWindow();
        _summaryTimer = time.CreateTimer(_ => Summarize(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>True when this request's own line is to be written; otherwise it is counted for the summary.</summary>
    public bool ShouldLog(RequestKind kind)
    {
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return false;
        }

        var window = CurrentWindow();
        if (window != Volatile.Read(ref _window))
        {
            lock (_windowLock)
            {
                if (window != _window)
                {
                    _lines = 0;
                    Volatile.Write(ref _window, window);
                }
            }
        }

        if (Interlocked.Increment(ref _lines) <= LinesPerSecond)
        {
            return true;
        }

        Interlocked.Increment(ref kind == RequestKind.Sum ? ref _quietSums : ref _quietMultiplies);
        return false;
    }

    /// <summary>Writes the summary of the requests whose lines were held back, if any.</summary>
    internal void Summarize()
    {
        var sums = Interlocked.Exchange(ref _quietSums, 0);
        var multiplies = Interlocked.Exchange(ref _quietMultiplies, 0);
        if (sums + multiplies > 0)
        {
            Log.RequestsSummarized(_logger, sums, multiplies, LinesPerSecond);
        }
    }

    public void Dispose() => _summaryTimer.Dispose();

    private long CurrentWindow() => _time.GetTimestamp() / _time.TimestampFrequency;
}

internal enum RequestKind
{
    Sum,
    Multiply,
}
