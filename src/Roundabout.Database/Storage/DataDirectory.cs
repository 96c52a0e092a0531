using System.Runtime.InteropServices;

namespace Roundabout.Database.Storage;

/// <summary>The data directory: its exclusive lock and the directory fsync that makes creates and renames durable.</summary>
internal sealed class DataDirectory : IDisposable
{
    private const string LockFileName = "LOCK";
    private readonly FileStream _lock;

    private DataDirectory(string path, FileStream lockFile)
    {
        Path = path;
        _lock = lockFile;
    }

    public string Path { get; }

    /// <summary>Creates the directory if needed and takes its lock, so two databases never share one log.</summary>
    public static DataDirectory Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StoreOpenException($"Cannot create the data directory {full}: {ex.Message}", ex);
        }

        var lockPath = System.IO.Path.Combine(full, LockFileName);
        try
        {
            // On Unix, FileShare.None takes an flock() that the kernel drops when the process dies, even by kill -9.
            return new DataDirectory(full, new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException ex) when (ex.HResult == ErrnoWouldBlock)
        {
            // Only a lock that another process holds fails with EWOULDBLOCK; everything else has its own cause.
            throw new StoreOpenException($"The data directory {full} is in use by another database process (its lock file {lockPath} is held). Stop that process or choose another --data-dir.", ex);
        }
        catch (IOException ex) when (ex.HResult == ErrnoReadOnlyFileSystem)
        {
            throw new StoreOpenException($"Cannot write in the data directory {full}: it is on a read-only file system. Remount it read-write or choose another --data-dir.", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new StoreOpenException($"Cannot write in the data directory {full}: permission denied for {lockPath}. Give this user write access to the directory or choose another --data-dir.", ex);
        }
        catch (IOException ex)
        {
            throw new StoreOpenException($"Cannot open the lock file {lockPath} in the data directory {full}: {ex.Message}", ex);
        }
    }

    // .NET reports a Unix I/O error with the errno as the exception's HResult.
    private const int ErrnoWouldBlock = 11;
    private const int ErrnoReadOnlyFileSystem = 30;

    /// <summary>Makes the directory's entries (new, renamed or deleted files) durable.</summary>
    public static void SyncDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // NTFS journals directory changes; there is no directory handle to flush.
        }

        var fd = NativeMethods.Open(path, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"Cannot open the directory {path} to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (NativeMethods.Fsync(fd) != 0)
            {
                throw new IOException($"fsync of the directory {path} failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = NativeMethods.Close(fd);
        }
    }

    public void Dispose() => _lock.Dispose();
}
