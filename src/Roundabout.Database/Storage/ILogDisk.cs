using Microsoft.Win32.SafeHandles;

namespace Roundabout.Database.Storage;

/// <summary>
/// The file operations the log makes on its disk: appends, fsyncs, truncation and the reserve file.
/// The seam where a test makes the disk full; <see cref="SystemLogDisk"/> is the real one.
/// </summary>
internal interface ILogDisk
{
    /// <summary>Writes the pieces at <paramref name="offset"/> with one gathered write.</summary>
    void Write(SafeFileHandle file, IReadOnlyList<ReadOnlyMemory<byte>> pieces, long offset);

    /// <summary>Makes the file's data durable (fdatasync).</summary>
    void SyncData(FileStream file);

    /// <summary>Cuts the file to <paramref name="length"/> bytes.</summary>
    void SetLength(FileStream file, long length);

    void Delete(string path);
}
