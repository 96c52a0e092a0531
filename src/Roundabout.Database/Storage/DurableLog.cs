using System.Buffers;
using Microsoft.Extensions.Logging;

namespace Roundabout.Database.Storage;

/// <summary>
/// The write-ahead log with group commit. Appends only queue bytes in memory; one writer task takes
/// everything queued, writes it as one frame with one gathered write, fsyncs once, and then
/// completes every waiter of that round. While it waits for the disk, the next round fills up, so
/// concurrent writers share fsyncs.
/// </summary>
internal sealed partial class DurableLog : IStoreLog
{
    /// <summary>A batch this large is closed so that a round stays a bounded frame.</summary>
    private const int SealBytes = 4 * 1024 * 1024;
    private const int MaxRoundBytes = 16 * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly List<Batch> _queued = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly DataDirectory _directory;
    private readonly StorageOptions _options;
    private readonly ILogger _logger;
    private readonly List<long> _segmentStarts;
    private readonly TaskCompletionSource _writerStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LogSegment _segment;
    private Batch? _open;
    private long _nextSegmentStart;
    private long _durableRevision;
    private long _closedSegmentSyncs;
    private Task _newest = Task.CompletedTask;
    private Exception? _failure;
    private bool _closing;

    private DurableLog(DataDirectory directory, StorageOptions options, ILogger logger, LogSegment segment, List<long> segmentStarts, long durableRevision)
    {
        _directory = directory;
        _options = options;
        _logger = logger;
        _segment = segment;
        _segmentStarts = segmentStarts;
        _nextSegmentStart = segment.FirstRevision;
        _durableRevision = durableRevision;
        _reserve = new ReserveFile(directory.Path, options.ReserveBytes, options.Disk);
        if (!_reserve.IsHeld && !_reserve.TryCreate())
        {
            _diskFull = true;
            Log.DiskFull(_logger, directory.Path);
        }

        _reserveTimer = options.Time.CreateTimer(_ => RequestReserveRetry(), null, options.DiskFullRetryInterval, options.DiskFullRetryInterval);

        // A thread of its own: the writer blocks in fsync most of the time, and must not hold a
        // thread-pool thread that the requests (and the waiters it completes) need.
        new Thread(WriteLoop) { IsBackground = true, Name = "roundabout-log-writer" }.Start();
    }

    /// <summary>Called once if the log cannot write: the store then refuses everything.</summary>
    public event Action<Exception>? Failed;

    /// <summary>How many fsyncs of log frames the writer has made (for tests of group commit).</summary>
    internal long SyncCount => Volatile.Read(ref _closedSegmentSyncs) + Volatile.Read(ref _segment).FrameSyncs;

    public bool IsHealthy => Volatile.Read(ref _failure) is null;

    internal long CurrentSegmentLength => Volatile.Read(ref _segment).Length;

    public Task Append(Commit commit)
    {
        lock (_lock)
        {
            ThrowIfUnavailableLocked();
            if (_open is null)
            {
                _open = new Batch(_nextSegmentStart);
                _queued.Add(_open);
                _wake.Release();
            }

            CommitCodec.Write(_open.Buffer, commit);
            _open.LastRevision = commit.Revision;
            _open.Commits++;
            _newest = _open.Done.Task;
            if (_open.Buffer.WrittenCount >= SealBytes)
            {
                _open = null;
            }

            return _newest;
        }
    }

    public Task WhenDurable(long revision)
    {
        lock (_lock)
        {
            if (revision <= _durableRevision)
            {
                return Task.CompletedTask;
            }

            return _failure is null ? _newest : Task.FromException(Unavailable(_failure));
        }
    }

    public void StartSegment(long firstRevision)
    {
        lock (_lock)
        {
            if (_failure is not null || _closing || firstRevision == _nextSegmentStart)
            {
                return;
            }

            // An empty batch marks the switch, so the writer opens the new segment even if no write follows.
            _nextSegmentStart = firstRevision;
            _open = new Batch(firstRevision);
            _queued.Add(_open);
            _newest = _open.Done.Task;
            _wake.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_closing)
            {
                return;
            }

            _closing = true;
            _wake.Release();
        }

        await _reserveTimer.DisposeAsync();
        await _writerStopped.Task;
        Task? snapshot;
        lock (_lock)
        {
            snapshot = _snapshotTask;
        }

        if (snapshot is not null)
        {
            await snapshot;
        }

        _segment.Dispose();
        _directory.Dispose();
        _wake.Dispose();
    }

    private void WriteLoop()
    {
        try
        {
            WriteRounds();
        }
        finally
        {
            _writerStopped.TrySetResult();
        }
    }

    private void WriteRounds()
    {
        while (true)
        {
            _wake.Wait();
            List<Batch> round;
            lock (_lock)
            {
                round = TakeRoundLocked();
                if (round.Count == 0 && (_closing || _failure is not null))
                {
                    return;
                }

                // More may be queued than one round takes: make sure the loop comes back for it.
                if (round.Count > 0 && (_queued.Count > 0 || _closing))
                {
                    _wake.Release();
                }
            }

            if (round.Count == 0)
            {
                // Woken by the disk-full timer: the writer alone touches the files, so it makes the reserve too.
                TryRestoreReserve();
                continue;
            }

            try
            {
                WriteRound(round);
            }
            catch (Exception ex)
            {
                Fail(ex, round);
                return;
            }

            MaybeAskForSnapshot();
        }
    }

    private List<Batch> TakeRoundLocked()
    {
        var round = new List<Batch>();
        long bytes = 0;
        while (_queued.Count > 0 && (round.Count == 0 || bytes + _queued[0].Buffer.WrittenCount <= MaxRoundBytes))
        {
            var batch = _queued[0];
            _queued.RemoveAt(0);
            if (ReferenceEquals(batch, _open))
            {
                _open = null;
            }

            bytes += batch.Buffer.WrittenCount;
            round.Add(batch);
        }

        return round;
    }

    /// <summary>Writes consecutive batches of one segment as one frame and one fsync, then acknowledges them.</summary>
    private void WriteRound(List<Batch> round)
    {
        var start = 0;
        while (start < round.Count)
        {
            var end = start;
            while (end + 1 < round.Count && round[end + 1].Segment == round[start].Segment)
            {
                end++;
            }

            var group = round.GetRange(start, end - start + 1);
            var last = group.Where(b => b.LastRevision > 0).Select(b => b.LastRevision).DefaultIfEmpty(0).Max();
            WriteGroup(group, last);

            lock (_lock)
            {
                _durableRevision = Math.Max(_durableRevision, last);
            }

            foreach (var batch in group)
            {
                batch.Done.TrySetResult();
            }

            start = end + 1;
        }
    }

    private void WriteFrame(List<Batch> group)
    {
        var length = group.Sum(b => b.Buffer.WrittenCount);
        var crc = 0u;
        var pieces = new List<ReadOnlyMemory<byte>>(group.Count + 1) { ReadOnlyMemory<byte>.Empty };
        foreach (var batch in group)
        {
            crc = Crc32C.Append(crc, batch.Buffer.WrittenSpan);
            pieces.Add(batch.Buffer.WrittenMemory);
        }

        var header = new byte[Frame.HeaderSize];
        Frame.WriteHeader(header, crc, length);
        pieces[0] = header;
        var started = _options.Time.GetTimestamp();
        _segment.AppendAndSync(pieces);
        _options.Metrics?.Synced(_options.Time.GetElapsedTime(started), group.Sum(b => (long)b.Commits));
    }

    private void SwitchSegment(long firstRevision)
    {
        var next = LogSegment.Create(_directory.Path, firstRevision, _options.Disk);
        var previous = _segment;
        lock (_lock)
        {
            _segmentStarts.Add(firstRevision);
            _closedSegmentSyncs += previous.FrameSyncs;
            _segment = next;
        }

        previous.Dispose();
    }

    private void Fail(Exception ex, List<Batch> round)
    {
        List<Batch> pending;
        lock (_lock)
        {
            _failure = ex;
            pending = [.. round, .. _queued];
            _queued.Clear();
            _open = null;
        }

        Log.LogWriteFailed(_logger, _segment.PathName, ex);
        var error = Unavailable(ex);
        foreach (var batch in pending)
        {
            batch.Done.TrySetException(error);
        }

        Failed?.Invoke(ex);
    }

    private void ThrowIfUnavailableLocked()
    {
        if (_failure is not null)
        {
            throw Unavailable(_failure);
        }

        if (_diskFull)
        {
            throw new DiskFullException(DiskFullMessage);
        }

        if (_closing)
        {
            throw new StoreUnavailableException("The database is shutting down; retry against the restarted database.");
        }
    }

    private static StoreUnavailableException Unavailable(Exception failure) =>
        new($"The database could not write its log to disk ({failure.Message}); it accepts nothing until restarted.", failure);

    private sealed class Batch(long segment)
    {
        public ArrayBufferWriter<byte> Buffer { get; } = new(4096);

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long Segment { get; } = segment;

        public long LastRevision { get; set; }

        /// <summary>How many commits the batch holds (for the group-commit metric).</summary>
        public int Commits { get; set; }
    }
}
