using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Roundabout.Database.Storage;

/// <summary>The few POSIX calls .NET does not expose: a directory fsync and fdatasync.</summary>
internal static partial class NativeMethods
{
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int Fdatasync(SafeFileHandle fd);

    /// <summary>
    /// Makes a file's data durable. On Linux, fdatasync: it skips metadata that reading the data
    /// back does not need (timestamps) but still flushes a grown size, as Redis and etcd rely on.
    /// Elsewhere, a full flush.
    /// </summary>
    public static void SyncData(FileStream file)
    {
        if (OperatingSystem.IsLinux())
        {
            if (Fdatasync(file.SafeFileHandle) != 0)
            {
                // The errno as the HResult, as .NET's own I/O errors carry it (ENOSPC is 28).
                var errno = Marshal.GetLastPInvokeError();
                throw new IOException($"fdatasync of {file.Name} failed (errno {errno}).", errno);
            }
        }
        else
        {
            file.Flush(flushToDisk: true);
        }
    }
}
