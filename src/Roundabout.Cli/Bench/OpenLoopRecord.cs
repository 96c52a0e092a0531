using Grpc.Core;
using HdrHistogram;

namespace Roundabout.Cli.Bench;

/// <summary>
/// What the open loop measured: the latency of every call from its planned start (a histogram of
/// fixed memory), how many answered within the timeout, the answers per server and the errors
/// by status. Calls end on many threads, so one lock guards it; at the rates the open loop is
/// for (thousands a second) the lock is not what limits it.
/// </summary>
internal sealed class OpenLoopRecord(TimeSpan timeout, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly LongHistogram _latencies = LatencySummary.NewHistogram();
    private readonly Dictionary<string, long> _servers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _errorsByStatus = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly double _microsecondsPerTick = 1_000_000.0 / time.TimestampFrequency;
    private long _maxMicroseconds;
    private long _completed;
    private long _errors;
    private long _onTime;
    private long _inFlight = 1;

    public (long Completed, long Errors) Counts
    {
        get
        {
            lock (_gate)
            {
                return (_completed, _errors);
            }
        }
    }

    public void Track(Task call)
    {
        Interlocked.Increment(ref _inFlight);
        call.ContinueWith(static (_, state) => ((OpenLoopRecord)state!).CallEnded(), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Completes when every tracked call has ended.</summary>
    public Task AllDoneAsync()
    {
        CallEnded();
        return _drained.Task;
    }

    public void Succeeded(long plannedAt, string server)
    {
        var microseconds = Since(plannedAt);
        lock (_gate)
        {
            RecordLocked(microseconds);
            ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_servers, server, out _);
            count++;
            if (microseconds <= timeout.TotalMicroseconds)
            {
                _onTime++;
            }
        }
    }

    public void Failed(long plannedAt, StatusCode status)
    {
        var microseconds = Since(plannedAt);
        lock (_gate)
        {
            RecordLocked(microseconds);
            _errors++;
            var key = status.ToString();
            _errorsByStatus[key] = _errorsByStatus.GetValueOrDefault(key) + 1;
        }
    }

    public BenchReport Report(BenchOptions options, TimeSpan elapsed, bool interrupted)
    {
        lock (_gate)
        {
            return new BenchReport(
                options.Operation,
                0,
                _completed,
                _errors,
                elapsed,
                LatencySummary.From(_latencies, _maxMicroseconds),
                new Dictionary<string, long>(_servers, StringComparer.Ordinal),
                new Dictionary<string, long>(_errorsByStatus, StringComparer.Ordinal))
            {
                PlannedDuration = options.Duration,
                PlannedRequests = options.Requests,
                Interrupted = interrupted,
                OpenLoop = new OpenLoopFigures(options.Rate!.Value, options.Timeout, _onTime),
            };
        }
    }

    private long Since(long plannedAt) => (long)((time.GetTimestamp() - plannedAt) * _microsecondsPerTick);

    private void RecordLocked(long microseconds)
    {
        _latencies.RecordValue(Math.Clamp(microseconds, 0, LatencySummary.HighestMicroseconds));
        _maxMicroseconds = Math.Max(_maxMicroseconds, microseconds);
        _completed++;
    }

    private void CallEnded()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }
    }
}
