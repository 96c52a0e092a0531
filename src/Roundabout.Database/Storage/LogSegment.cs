using System.Globalization;

namespace Roundabout.Database.Storage;

/// <summary>One log file, <c>log-&lt;first revision, 20 digits&gt;.wal</c>: the magic <c>RBDBLOG1</c>, then frames.</summary>
internal sealed class LogSegment : IDisposable
{
    public static readonly byte[] Magic = "RBDBLOG1"u8.ToArray();
    private const string Prefix = "log-";
    private const string Suffix = ".wal";
    private readonly FileStream _file;
    private readonly ILogDisk _disk;

    private LogSegment(long firstRevision, string path, FileStream file, long length, ILogDisk disk)
    {
        FirstRevision = firstRevision;
        PathName = path;
        _file = file;
        Length = length;
        _disk = disk;
    }

    public long FirstRevision { get; }

    public string PathName { get; }

    public long Length { get; private set; }

    /// <summary>How many appends this segment has fsynced: counted where the fsync returns, so a skipped one is not counted.</summary>
    public long FrameSyncs { get; private set; }

    public static string FileName(long firstRevision) => $"{Prefix}{firstRevision.ToString("D20", CultureInfo.InvariantCulture)}{Suffix}";

    /// <summary>The segments in a directory, oldest first.</summary>
    public static List<(long FirstRevision, string Path)> List(string directory)
    {
        var found = new List<(long, string)>();
        foreach (var path in Directory.EnumerateFiles(directory, Prefix + "*" + Suffix))
        {
            var name = System.IO.Path.GetFileName(path);
            var digits = name[Prefix.Length..^Suffix.Length];
            if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var first))
            {
                found.Add((first, path));
            }
        }

        found.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return found;
    }

    /// <summary>Creates a segment with its header, fsynced, and fsyncs the directory so the file itself survives a crash.</summary>
    public static LogSegment Create(string directory, long firstRevision, ILogDisk disk)
    {
        var path = System.IO.Path.Combine(directory, FileName(firstRevision));
        var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        try
        {
            disk.Write(file.SafeFileHandle, [Magic], 0);
            disk.SyncData(file);
            disk.SyncDirectory(directory);
            return new LogSegment(firstRevision, path, file, Magic.Length, disk);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Opens an existing segment to append after <paramref name="validLength"/>, cutting off anything beyond it.</summary>
    public static LogSegment OpenForAppend(string path, long firstRevision, long validLength, ILogDisk disk)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        try
        {
            if (file.Length != validLength)
            {
                disk.SetLength(file, validLength);
                disk.SyncData(file);
            }

            return new LogSegment(firstRevision, path, file, validLength, disk);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Appends the pieces with one gathered write, then fsyncs: when this returns, they are on disk.
    /// If it throws, <see cref="Length"/> is still the last good length, and the bytes beyond it
    /// (a part of the pieces) are cut off by <see cref="CutToLength"/>.
    /// </summary>
    public void AppendAndSync(IReadOnlyList<ReadOnlyMemory<byte>> pieces)
    {
        long total = 0;
        foreach (var piece in pieces)
        {
            total += piece.Length;
        }

        _disk.Write(_file.SafeFileHandle, pieces, Length);
        SyncFrame();
        Length += total;
    }

    /// <summary>Cuts off whatever a failed append left after the last good length, so no torn record stays behind.</summary>
    public void CutToLength()
    {
        if (_file.Length != Length)
        {
            _disk.SetLength(_file, Length);
        }
    }

    public void Dispose() => _file.Dispose();

    private void SyncFrame()
    {
        _disk.SyncData(_file);
        FrameSyncs++;
    }
}
