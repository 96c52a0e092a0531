using Roundabout.Database.Storage;
using Roundabout.Database.Telemetry;

namespace Roundabout.Database.Engine;

/// <summary>
/// The key-value engine. One lock orders every operation; a write takes the next revision of the
/// one store-wide counter, goes to the log under that lock (so the log's order is the revision
/// order), changes memory, and is acknowledged once the log says it is on disk.
/// A reply never shows anything that is not yet durable: reads wait until the store's current
/// revision is on disk, so a crash cannot take back what a client has seen.
/// </summary>
internal sealed partial class KeyValueStore : IAsyncDisposable
{
    private static readonly TimeSpan _purgeInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, StoredEntry> _entries = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _keys = new(StringComparer.Ordinal);
    private readonly PriorityQueue<string, long> _expiries = new();
    private readonly Dictionary<string, long> _queuedExpiry = new(StringComparer.Ordinal);
    private readonly IStoreLog _log;
    private readonly TimeProvider _time;
    private readonly ITimer _purgeTimer;
    private readonly DatabaseMetrics? _metrics;
    private long _revision;
    private bool _closed;

    public KeyValueStore(StoreImage recovered, IStoreLog log, TimeProvider time, DatabaseMetrics? metrics = null)
    {
        _log = log;
        _metrics = metrics;
        _time = time;
        _revision = recovered.Revision;
        var now = NowMs();
        foreach (var (key, entry) in recovered.Entries)
        {
            if (entry.IsLiveAt(now))
            {
                SetLocked(key, entry);
            }
        }

        _log.SnapshotDue += OnSnapshotDue;
        _purgeTimer = time.CreateTimer(_ => PurgeExpired(), null, _purgeInterval, _purgeInterval);
    }

    /// <summary>The last revision given out (the newest version of any key, live or not).</summary>
    public long Revision
    {
        get
        {
            lock (_gate)
            {
                return _revision;
            }
        }
    }

    /// <summary>Open, and its log can write.</summary>
    public bool IsServing => !Volatile.Read(ref _closed) && _log.IsHealthy;

    /// <summary>Keys held in memory, including expired ones not yet purged (for tests of purging).</summary>
    internal int StoredKeyCount
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public async Task<KeyValueItem?> GetAsync(string key, CancellationToken cancellationToken)
    {
        StoreLimits.CheckKey(key);
        KeyValueItem? item;
        Task durable;
        lock (_gate)
        {
            ThrowIfClosed();
            item = TryGetLiveLocked(key, NowMs(), out var entry) ? new KeyValueItem(key, entry.Value, entry.Version) : null;
            durable = _log.WhenDurable(_revision);
        }

        await durable.WaitAsync(cancellationToken);
        return item;
    }

    public async Task<long> PutAsync(string key, byte[] value, long ttlMs, CancellationToken cancellationToken)
    {
        CheckWrite(key, value, ttlMs);
        var result = await TxnAsync([], [TxnWrite.Put(key, value, ttlMs)], cancellationToken);
        return result.Version;
    }

    public async Task<CasResult> CompareAndSwapAsync(string key, long expectedVersion, byte[] value, long ttlMs, CancellationToken cancellationToken)
    {
        CheckWrite(key, value, ttlMs);
        StoreLimits.CheckExpectedVersion(expectedVersion);
        var result = await TxnAsync([new VersionCompare(key, expectedVersion)], [TxnWrite.Put(key, value, ttlMs)], cancellationToken);
        return result.Succeeded ? new CasResult(true, result.Version) : new CasResult(false, result.CurrentVersions[0]);
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        StoreLimits.CheckKey(key);
        bool existed;
        Task durable;
        lock (_gate)
        {
            ThrowIfClosed();
            var now = NowMs();
            PurgeExpiredLocked(now);
            existed = TryGetLiveLocked(key, now, out _);
            if (existed)
            {
                var commit = new Commit(_revision + 1, [Mutation.Delete(key)]);
                durable = _log.Append(commit);
                _metrics?.Committed();
                ApplyLocked(commit);
            }
            else
            {
                durable = _log.WhenDurable(_revision);
            }
        }

        await durable.WaitAsync(cancellationToken);
        return existed;
    }

    public async Task<ListResult> ListAsync(string? prefix, int limit, bool includeValues, CancellationToken cancellationToken)
    {
        prefix ??= string.Empty;
        StoreLimits.CheckPrefix(prefix);
        var max = StoreLimits.CheckLimit(limit);
        var items = new List<KeyValueItem>();
        var truncated = false;
        Task durable;
        lock (_gate)
        {
            ThrowIfClosed();
            var now = NowMs();
            var bytes = 0;
            foreach (var key in KeysFromLocked(prefix))
            {
                if (!key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    break;
                }

                var entry = _entries[key];
                if (!entry.IsLiveAt(now))
                {
                    continue;
                }

                var size = key.Length * 3 + (includeValues ? entry.Value.Length : 0) + 16;
                if (items.Count == max || bytes + size > StoreLimits.MaxListReplyBytes)
                {
                    truncated = true;
                    break;
                }

                bytes += size;
                items.Add(new KeyValueItem(key, includeValues ? entry.Value : [], entry.Version));
            }

            durable = _log.WhenDurable(_revision);
        }

        await durable.WaitAsync(cancellationToken);
        return new ListResult(items, truncated);
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
        }

        await _purgeTimer.DisposeAsync();
        await _log.DisposeAsync();
    }

    private static void CheckWrite(string key, byte[] value, long ttlMs)
    {
        StoreLimits.CheckKey(key);
        StoreLimits.CheckValue(value);
        StoreLimits.CheckTtl(ttlMs);
    }

    private SortedSet<string> KeysFromLocked(string prefix)
    {
        if (prefix.Length == 0 || _keys.Count == 0)
        {
            return _keys;
        }

        var max = _keys.Max!;
        return StringComparer.Ordinal.Compare(prefix, max) > 0 ? new SortedSet<string>(StringComparer.Ordinal) : _keys.GetViewBetween(prefix, max);
    }

    private bool TryGetLiveLocked(string key, long nowMs, out StoredEntry entry)
    {
        if (_entries.TryGetValue(key, out entry!) && entry.IsLiveAt(nowMs))
        {
            return true;
        }

        entry = null!;
        return false;
    }

    private void ApplyLocked(Commit commit)
    {
        foreach (var mutation in commit.Mutations)
        {
            if (mutation.IsDelete)
            {
                if (_entries.Remove(mutation.Key))
                {
                    _keys.Remove(mutation.Key);
                }
            }
            else
            {
                SetLocked(mutation.Key, new StoredEntry(mutation.Value!, commit.Revision, mutation.ExpiresAtMs));
            }
        }

        _revision = commit.Revision;
    }

    private void SetLocked(string key, StoredEntry entry)
    {
        if (_entries.TryAdd(key, entry))
        {
            _keys.Add(key);
        }
        else
        {
            _entries[key] = entry;
        }

        if (entry.ExpiresAtMs != 0)
        {
            QueueExpiryLocked(key, entry.ExpiresAtMs);
        }
    }

    private void ThrowIfClosed()
    {
        if (_closed)
        {
            throw new StoreUnavailableException("The database is shutting down; retry against the restarted database.");
        }
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
