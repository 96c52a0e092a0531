using Roundabout.Database.Storage;

namespace Roundabout.Database.Engine;

internal sealed partial class KeyValueStore
{
    private Task _snapshot = Task.CompletedTask;

    /// <summary>
    /// Takes a snapshot: a consistent copy of the live entries and a new log segment, both under the
    /// lock so no commit lands in between, then pushed to the log, which writes it and drops the
    /// segments it covers. A snapshot already under way is returned instead of starting another.
    /// The log asks for one by size (<see cref="IStoreLog.SnapshotDue"/>); tests call it directly.
    /// </summary>
    internal Task SnapshotNowAsync()
    {
        lock (_gate)
        {
            if (!_snapshot.IsCompleted)
            {
                return _snapshot;
            }

            var now = NowMs();
            var entries = new List<KeyValuePair<string, StoredEntry>>(_entries.Count);
            foreach (var pair in _entries)
            {
                if (pair.Value.IsLiveAt(now))
                {
                    entries.Add(pair);
                }
            }

            _log.StartSegment(_revision + 1);
            _snapshot = _log.WriteSnapshotAsync(new StoreImage(_revision, entries));
            return _snapshot;
        }
    }

    private void OnSnapshotDue() => _ = SnapshotNowAsync();
}
