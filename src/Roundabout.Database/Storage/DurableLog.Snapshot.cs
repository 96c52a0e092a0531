namespace Roundabout.Database.Storage;

internal sealed partial class DurableLog
{
    private Task? _snapshotTask;
    private bool _snapshotDue;

    public event Action? SnapshotDue;

    public Task WriteSnapshotAsync(StoreImage image)
    {
        lock (_lock)
        {
            // Once closing, the files are about to be closed: the log keeps everything anyway.
            if (_closing)
            {
                return Task.CompletedTask;
            }

            _snapshotDue = false;
            var previous = _snapshotTask ?? Task.CompletedTask;
            _snapshotTask = Task.Run(async () =>
            {
                await previous;
                await SnapshotAsync(image);
            });
            return _snapshotTask;
        }
    }

    /// <summary>After a round: asks the store for a snapshot once the segment has passed the threshold.</summary>
    private void MaybeAskForSnapshot()
    {
        if (SnapshotDue is null || _segment.Length < _options.SnapshotThresholdBytes)
        {
            return;
        }

        lock (_lock)
        {
            // No snapshot on a full disk: it needs room, and a new segment could not be created.
            if (_closing || _diskFull || _snapshotDue || _snapshotTask is { IsCompleted: false })
            {
                return;
            }

            _snapshotDue = true;
        }

        // Not on the writer thread: the store copies itself under its lock to answer.
        ThreadPool.QueueUserWorkItem(_ => SnapshotDue?.Invoke());
    }

    /// <summary>
    /// Writes the snapshot (temp file, fsync, rename, directory fsync), waits until the old segments
    /// are fully on disk, and then deletes them: every record in them is in the snapshot.
    /// </summary>
    private async Task SnapshotAsync(StoreImage image)
    {
        try
        {
            SnapshotFile.Write(_directory.Path, image, _options.Disk);
            await WhenDurable(image.Revision);
            List<long> covered;
            lock (_lock)
            {
                covered = _segmentStarts.Where(start => start <= image.Revision).ToList();
                _segmentStarts.RemoveAll(start => start <= image.Revision);
            }

            foreach (var start in covered)
            {
                _options.Disk.Delete(Path.Combine(_directory.Path, LogSegment.FileName(start)));
            }

            _options.Disk.SyncDirectory(_directory.Path);
            Log.SnapshotWritten(_logger, image.Revision, image.Entries.Count, covered.Count);
        }
        catch (Exception ex)
        {
            // The log still holds everything, so a failed snapshot loses nothing; the next one retries.
            TryDelete(Path.Combine(_directory.Path, SnapshotFile.TempFileName));
            Log.SnapshotFailed(_logger, ex);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
