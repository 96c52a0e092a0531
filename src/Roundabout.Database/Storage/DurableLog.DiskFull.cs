
namespace Roundabout.Database.Storage;

/// <summary>
/// A full disk does not stop the database. Writes are applied in memory before the log writes them,
/// so the writes of the round that met the full disk (and those queued behind it) must still become
/// durable: the log cuts off what the failed write left, frees its reserve file and writes them
/// again. From then on it refuses new writes before they touch memory, while reads go on; every
/// second it tries to create the reserve again, and once that succeeds it accepts writes again.
/// </summary>
internal sealed partial class DurableLog
{
    private readonly ReserveFile _reserve;
    private readonly ITimer _reserveTimer;
    private bool _diskFull;
    private int _reserveRetryRequested;

    /// <summary>True while writes are refused because the disk is full.</summary>
    public bool IsDiskFull
    {
        get
        {
            lock (_lock)
            {
                return _diskFull;
            }
        }
    }

    private string DiskFullMessage =>
        $"The disk that holds the data directory {_directory.Path} is full: the database refuses writes and still serves reads. " +
        "Free space on that disk; writes resume by themselves within a few seconds, and nothing acknowledged was lost.";

    /// <summary>Writes one segment's batches as one frame; on a full disk, frees the reserve and writes them once more.</summary>
    private void WriteGroup(List<Batch> group, long lastRevision)
    {
        try
        {
            WriteGroupOnce(group, lastRevision);
        }
        catch (Exception ex) when (DiskSpace.IsFull(ex) && MakeRoom())
        {
            // A second full disk goes to Fail: more was in flight than the reserve holds.
            WriteGroupOnce(group, lastRevision);
        }
    }

    private void WriteGroupOnce(List<Batch> group, long lastRevision)
    {
        if (group[0].Segment != _segment.FirstRevision)
        {
            SwitchSegment(group[0].Segment);
        }

        if (lastRevision > 0)
        {
            WriteFrame(group);
        }
    }

    /// <summary>Refuses new writes, cuts off the torn frame, and frees the reserve. False when there is no reserve left to free.</summary>
    private bool MakeRoom()
    {
        lock (_lock)
        {
            _diskFull = true;
        }

        _segment.CutToLength();
        var freed = _reserve.Release();
        Log.DiskFull(_logger, _directory.Path);
        return freed;
    }

    private void RequestReserveRetry()
    {
        lock (_lock)
        {
            if (!_diskFull || _closing || _failure is not null)
            {
                return;
            }

            Interlocked.Exchange(ref _reserveRetryRequested, 1);
            _wake.Release();
        }
    }

    /// <summary>On the writer thread: creates the reserve again; if the disk has room for it, accepts writes again.</summary>
    private void TryRestoreReserve()
    {
        if (Interlocked.Exchange(ref _reserveRetryRequested, 0) == 0 || !IsDiskFull)
        {
            return;
        }

        try
        {
            if (!_reserve.TryCreate())
            {
                return;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.ReserveFailed(_logger, _reserve.PathName, ex);
            return;
        }

        lock (_lock)
        {
            _diskFull = false;
        }

        Log.DiskSpaceBack(_logger, _directory.Path);
    }
}
