using Roundabout.Database.Engine;

namespace Roundabout.Database.Storage;

internal sealed partial class DurableLog
{
    private Func<StoreImage>? _capture;
    private Task? _snapshotTask;

    public void AttachSnapshotSource(Func<StoreImage> capture) => _capture = capture;

    /// <summary>Takes a snapshot now and removes the log segments it covers (tests; the writer does it by size).</summary>
    internal Task SnapshotNowAsync()
    {
        lock (_lock)
        {
            if (_snapshotTask is { IsCompleted: false })
            {
                return _snapshotTask;
            }

            _snapshotTask = Task.Run(SnapshotAsync);
            return _snapshotTask;
        }
    }

    private void MaybeStartSnapshot()
    {
        if (_capture is null || _segment.Length < _options.SnapshotThresholdBytes)
        {
            return;
        }

        lock (_lock)
        {
            // No snapshot on a full disk: it needs room, and a new segment could not be created.
            if (_closing || _diskFull || _snapshotTask is { IsCompleted: false })
            {
                return;
            }

            _snapshotTask = Task.Run(SnapshotAsync);
        }
    }

    /// <summary>
    /// Captures the store (which starts a new segment at the same instant), writes the snapshot
    /// (temp file, fsync, rename, directory fsync), waits until the old segments are fully on disk,
    /// and then deletes them: every record in them is in the snapshot.
    /// </summary>
    private async Task SnapshotAsync()
    {
        try
        {
            var image = _capture!();
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
