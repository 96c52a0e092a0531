using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Roundabout.Client.Telemetry;

namespace Roundabout.Client.Balancing;

/// <summary>
/// What the balancer knows about each server from the calls it sent there: how many are still
/// outstanding (for power of two choices) and how many failed in a row (for outlier ejection).
/// A server that fails <see cref="OutlierOptions.ConsecutiveFailures"/> calls in a row is ejected
/// for <see cref="OutlierOptions.BaseEjectionTime"/> times the number of times it was ejected,
/// capped at <see cref="OutlierOptions.MaxEjectionTime"/>. The pickers never eject every server:
/// when all are ejected they use all of them (panic mode).
/// </summary>
internal sealed partial class ServerHealth
{
    private readonly ConcurrentDictionary<string, CallTracker> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly OutlierOptions _options;
    private readonly LatencyOptions _latency;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ClientMetrics? _metrics;
    private readonly Lock _latencyGate = new();
    private HashSet<string> _ready = new(StringComparer.OrdinalIgnoreCase);
    private long _latestEjectionEndTicks;
    private int _inPanic;

    public ServerHealth(OutlierOptions options, TimeProvider time, ILogger logger, ClientMetrics? metrics = null, LatencyOptions? latency = null)
    {
        _metrics = metrics;
        _latency = latency ?? new LatencyOptions();
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>True when some server may still be ejected: the pickers take their slow path only then.</summary>
    public bool AnyEjected => _time.GetUtcNow().UtcTicks < Volatile.Read(ref _latestEjectionEndTicks);

    public bool IsEjected(string address) =>
        _entries.TryGetValue(address, out var entry) && _time.GetUtcNow().UtcTicks < Volatile.Read(ref entry.EjectedUntilTicks);

    /// <summary>The balancer's latest ready servers (set each time it builds a picker).</summary>
    public void SetReady(IReadOnlyCollection<string> addresses) =>
        Volatile.Write(ref _ready, new HashSet<string>(addresses, StringComparer.OrdinalIgnoreCase));

    /// <summary>
    /// True when no server of <paramref name="servers"/> is usable: each is either not connected
    /// or failed its last call or is ejected. <see cref="Describe"/> says which.
    /// </summary>
    public bool AllFailing(IReadOnlyList<ServerInfo> servers)
    {
        foreach (var server in servers)
        {
            if (StateOf(server.Address) == ServerState.Ready)
            {
                return false;
            }
        }

        return true;
    }

    public int Outstanding(string address) =>
        _entries.TryGetValue(address, out var entry) ? Volatile.Read(ref entry.Outstanding) : 0;

    public int TimesEjected(string address) =>
        _entries.TryGetValue(address, out var entry) ? Volatile.Read(ref entry.TimesEjected) : 0;

    /// <summary>The tracker of <paramref name="address"/>: the pickers look it up once per server when they are built, not per call.</summary>
    public CallTracker TrackerFor(string address) => Get(address);

    public void CallStarted(string address) => Get(address).Start();

    public void CallCompleted(string address, Exception? error) => CallCompleted(Get(address), error);

    public void CallCompleted(CallTracker entry, Exception? error)
    {
        Interlocked.Decrement(ref entry.Outstanding);
        if (error is null)
        {
            RecordSuccess(entry);
        }
        else
        {
            RecordFailure(entry, error.GetType().Name);
        }
    }

    public void RecordSuccess(string address) => RecordSuccess(Get(address));

    public void RecordFailure(string address, string reason) => RecordFailure(Get(address), reason);

    private static void RecordSuccess(CallTracker entry)
    {
        // Read first: a success on a healthy server then writes nothing to the shared counts.
        if (Volatile.Read(ref entry.ConsecutiveFailures) != 0)
        {
            Interlocked.Exchange(ref entry.ConsecutiveFailures, 0);
        }
    }

    private void RecordFailure(CallTracker entry, string reason)
    {
        var failures = Interlocked.Increment(ref entry.ConsecutiveFailures);
        if (failures < _options.ConsecutiveFailures)
        {
            return;
        }

        lock (entry)
        {
            var now = _time.GetUtcNow();
            if (entry.ConsecutiveFailures < _options.ConsecutiveFailures || now.UtcTicks < entry.EjectedUntilTicks)
            {
                return;
            }

            entry.ConsecutiveFailures = 0;
            entry.TimesEjected++;
            var ticks = Math.Min(_options.BaseEjectionTime.Ticks * entry.TimesEjected, _options.MaxEjectionTime.Ticks);
            EjectLocked(entry, now.UtcTicks + ticks);
            Log.ServerEjected(_logger, entry.Address, _options.ConsecutiveFailures, reason, TimeSpan.FromTicks(ticks).TotalSeconds, entry.TimesEjected);
        }
    }

    /// <summary>Marks <paramref name="entry"/> ejected until <paramref name="until"/> (UTC ticks); the caller holds its lock.</summary>
    private void EjectLocked(CallTracker entry, long until)
    {
        Volatile.Write(ref entry.EjectedUntilTicks, until);
        long latest;
        do
        {
            latest = Volatile.Read(ref _latestEjectionEndTicks);
        }
        while (latest < until && Interlocked.CompareExchange(ref _latestEjectionEndTicks, until, latest) != latest);

        _metrics?.Ejected(entry.Address);
    }

    /// <summary>Called by a picker that found every ready server ejected; logs once per episode.</summary>
    public void NotePanic(int servers)
    {
        if (Interlocked.Exchange(ref _inPanic, 1) == 0)
        {
            Log.PanicMode(_logger, servers);
        }
    }

    /// <summary>Called by a picker that found a server not ejected.</summary>
    public void NoteHealthyPick()
    {
        if (Volatile.Read(ref _inPanic) != 0)
        {
            Interlocked.Exchange(ref _inPanic, 0);
        }
    }

    private CallTracker Get(string address) =>
        _entries.GetOrAdd(address, static (a, health) => new CallTracker(health, a, new PeakEwma(health._latency.Decay, health._time)), this);
}
