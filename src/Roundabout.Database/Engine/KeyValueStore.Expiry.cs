namespace Roundabout.Database.Engine;

internal sealed partial class KeyValueStore
{
    /// <summary>
    /// Drops expired keys from memory. Expired keys are already invisible to every operation; this
    /// only frees them. Nothing is logged: the log holds each put's absolute expiry, so a replay
    /// drops the same keys.
    /// </summary>
    internal void PurgeExpired()
    {
        lock (_gate)
        {
            if (!_closed)
            {
                PurgeExpiredLocked(NowMs());
            }
        }
    }

    private void PurgeExpiredLocked(long nowMs)
    {
        while (_expiries.TryPeek(out var key, out var expiresAt) && expiresAt <= nowMs)
        {
            _expiries.Dequeue();
            if (!_queuedExpiry.TryGetValue(key, out var queued) || queued != expiresAt)
            {
                // An earlier expiry of this key was queued after this one: that item speaks for it.
                continue;
            }

            _queuedExpiry.Remove(key);
            if (!_entries.TryGetValue(key, out var entry) || entry.ExpiresAtMs == 0)
            {
                continue;
            }

            if (entry.ExpiresAtMs <= nowMs)
            {
                _entries.Remove(key);
                _keys.Remove(key);
            }
            else
            {
                // Written again since with a later expiry: look again then.
                QueueExpiryLocked(key, entry.ExpiresAtMs);
            }
        }
    }

    /// <summary>
    /// Keeps one queued expiry per key, the earliest that may apply. A key rewritten with a later
    /// expiry (a session record, on every commit of its session) queues nothing more: when its
    /// queued time comes, the purge finds the later expiry and queues that instead. So the queue
    /// stays as long as the number of keys with an expiry, not the number of writes.
    /// </summary>
    private void QueueExpiryLocked(string key, long expiresAtMs)
    {
        if (_queuedExpiry.TryGetValue(key, out var queued) && queued <= expiresAtMs)
        {
            return;
        }

        _queuedExpiry[key] = expiresAtMs;
        _expiries.Enqueue(key, expiresAtMs);
    }

    /// <summary>Expiries waiting in the queue (tests: it must not grow with rewrites of one key).</summary>
    internal int QueuedExpiries
    {
        get
        {
            lock (_gate)
            {
                return _expiries.Count;
            }
        }
    }
}
