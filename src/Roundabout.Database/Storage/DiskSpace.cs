namespace Roundabout.Database.Storage;

/// <summary>Recognises "the disk is full" among I/O errors.</summary>
internal static class DiskSpace
{
    // .NET reports a Unix I/O error with the errno as the exception's HResult.
    private const int ErrnoNoSpace = 28;
    private const int ErrnoQuotaExceeded = 122;

    // On Windows: ERROR_HANDLE_DISK_FULL and ERROR_DISK_FULL, as HRESULTs.
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);
    private const int WindowsDiskFull = unchecked((int)0x80070070);

    /// <summary>True for ENOSPC (no space left on device) and EDQUOT (disk quota exceeded).</summary>
    public static bool IsFull(Exception ex) =>
        ex is IOException { HResult: ErrnoNoSpace or ErrnoQuotaExceeded or WindowsHandleDiskFull or WindowsDiskFull };
}
