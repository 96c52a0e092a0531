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

            // A key written again since has a newer entry (and its own queue item): keep it.
            if (_entries.TryGetValue(key, out var entry) && entry.ExpiresAtMs == expiresAt)
            {
                _entries.Remove(key);
                _keys.Remove(key);
            }
        }
    }
}
