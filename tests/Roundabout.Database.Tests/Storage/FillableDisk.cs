using Microsoft.Win32.SafeHandles;
using Roundabout.Database.Storage;

namespace Roundabout.Database.Tests.Storage;

/// <summary>
/// The real disk with a capacity a test sets: once full, a write puts down what fits and then fails
/// with ENOSPC, as a real file system does; deleting or truncating a file gives its bytes back.
/// </summary>
internal sealed class FillableDisk : ILogDisk
{
    private const int ErrnoNoSpace = 28;
    private readonly Lock _gate = new();
    private long? _free;

    /// <summary>How many writes failed for lack of space.</summary>
    public int Refusals { get; private set; }

    /// <summary>From now on only <paramref name="freeBytes"/> more bytes fit.</summary>
    public void Fill(long freeBytes = 0)
    {
        lock (_gate)
        {
            _free = freeBytes;
        }
    }

    /// <summary>Space is no longer limited.</summary>
    public void FreeSpace()
    {
        lock (_gate)
        {
            _free = null;
        }
    }

    public void Write(SafeFileHandle file, IReadOnlyList<ReadOnlyMemory<byte>> pieces, long offset)
    {
        var bytes = pieces.SelectMany(p => p.ToArray()).ToArray();
        int fits;
        lock (_gate)
        {
            fits = _free is { } free ? (int)Math.Min(free, bytes.Length) : bytes.Length;
            if (_free is not null)
            {
                _free -= fits;
            }

            if (fits < bytes.Length)
            {
                Refusals++;
            }
        }

        RandomAccess.Write(file, bytes.AsSpan(0, fits), offset);
        if (fits < bytes.Length)
        {
            throw new IOException("No space left on device", ErrnoNoSpace);
        }
    }

    public void SyncData(FileStream file) => NativeMethods.SyncData(file);

    public void SetLength(FileStream file, long length)
    {
        var freed = file.Length - length;
        file.SetLength(length);
        GiveBack(freed);
    }

    public void Delete(string path)
    {
        var freed = new FileInfo(path).Length;
        File.Delete(path);
        GiveBack(freed);
    }

    public void Move(string from, string to) => File.Move(from, to, overwrite: true);

    public void SyncDirectory(string path) => DataDirectory.SyncDirectory(path);

    private void GiveBack(long bytes)
    {
        lock (_gate)
        {
            if (_free is not null && bytes > 0)
            {
                _free += bytes;
            }
        }
    }
}
