using Microsoft.Extensions.Logging;

namespace Roundabout.Database.Storage;

internal sealed partial class DurableLog
{
    /// <summary>
    /// Opens a data directory: takes its lock, reads the snapshot, replays the log segments after it,
    /// cuts off a torn tail (a frame the crash interrupted, which was never acknowledged) and refuses
    /// any other damage with the file and byte offset.
    /// </summary>
    public static (DurableLog Log, StoreImage Image) Open(StorageOptions options, ILogger logger)
    {
        var directory = DataDirectory.Open(options.DataDirectory);
        try
        {
            var (image, segment, starts) = Recover(directory.Path, options.Disk, logger);
            return (new DurableLog(directory, options, logger, segment, starts, image.Revision), image);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            directory.Dispose();
            throw new StoreOpenException($"Cannot read the data directory {directory.Path}: {ex.Message}", ex);
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    private static (StoreImage Image, LogSegment Segment, List<long> Starts) Recover(string directory, ILogDisk disk, ILogger logger)
    {
        TryDelete(Path.Combine(directory, SnapshotFile.TempFileName));
        var snapshotPath = Path.Combine(directory, SnapshotFile.FileName);
        var snapshot = File.Exists(snapshotPath) ? SnapshotFile.Read(snapshotPath) : StoreImage.Empty;
        var entries = new Dictionary<string, StoredEntry>(StringComparer.Ordinal);
        foreach (var (key, entry) in snapshot.Entries)
        {
            entries[key] = entry;
        }

        var revision = snapshot.Revision;
        var replayed = 0;
        var segments = LogSegment.List(directory);
        long appendAt = -1;
        for (var i = 0; i < segments.Count; i++)
        {
            var (first, path) = segments[i];
            var isLast = i == segments.Count - 1;
            if (first > revision + 1)
            {
                throw StoreOpenException.Corrupt(path, 0, $"the log jumps from revision {revision} to a segment starting at {first}; a log file is missing");
            }

            var data = File.ReadAllBytes(path);
            if (data.Length < LogSegment.Magic.Length || !data.AsSpan(0, LogSegment.Magic.Length).SequenceEqual(LogSegment.Magic))
            {
                if (isLast && LogSegment.Magic.AsSpan().StartsWith(data))
                {
                    // Created by a crash before its header reached the disk: nothing in it was acknowledged.
                    Log.TornTail(logger, path, 0, data.Length);
                    File.Delete(path);
                    segments.RemoveAt(i);
                    break;
                }

                throw StoreOpenException.Corrupt(path, 0, "it does not start with the log header");
            }

            var scan = SegmentScan.Read(data, LogSegment.Magic.Length);
            if (!scan.IsWhole)
            {
                if (!isLast || scan.IntactFrameFollows)
                {
                    throw StoreOpenException.Corrupt(path, scan.DamageOffset, "a log record fails its CRC32C check or its length is wrong, and intact records follow it");
                }

                Log.TornTail(logger, path, scan.DamageOffset, data.Length - scan.DamageOffset);
            }

            foreach (var (offset, payload) in scan.Frames)
            {
                List<Commit> commits;
                try
                {
                    commits = CommitCodec.ReadAll(payload.Span);
                }
                catch (FormatException ex)
                {
                    throw StoreOpenException.Corrupt(path, offset, $"a log record passes its checksum but cannot be read ({ex.Message})");
                }

                foreach (var commit in commits)
                {
                    if (commit.Revision <= snapshot.Revision)
                    {
                        continue;
                    }

                    if (commit.Revision != revision + 1)
                    {
                        throw StoreOpenException.Corrupt(path, offset, $"revision {commit.Revision} follows revision {revision}; revisions must be consecutive");
                    }

                    Apply(entries, commit);
                    revision = commit.Revision;
                    replayed++;
                }
            }

            if (isLast)
            {
                appendAt = scan.ValidLength;
            }
        }

        var starts = segments.Select(s => s.FirstRevision).ToList();
        LogSegment segment;
        if (appendAt >= 0)
        {
            var (first, path) = segments[^1];
            segment = LogSegment.OpenForAppend(path, first, appendAt, disk);
        }
        else
        {
            segment = LogSegment.Create(directory, revision + 1, disk);
            starts.Add(revision + 1);
        }

        Log.Recovered(logger, directory, entries.Count, revision, snapshot.Revision, replayed);
        return (new StoreImage(revision, entries.ToList()), segment, starts);
    }

    private static void Apply(Dictionary<string, StoredEntry> entries, Commit commit)
    {
        foreach (var mutation in commit.Mutations)
        {
            if (mutation.IsDelete)
            {
                entries.Remove(mutation.Key);
            }
            else
            {
                entries[mutation.Key] = new StoredEntry(mutation.Value!, commit.Revision, mutation.ExpiresAtMs);
            }
        }
    }
}
