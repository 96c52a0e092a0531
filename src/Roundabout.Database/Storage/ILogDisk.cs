using Microsoft.Win32.SafeHandles;

namespace Roundabout.Database.Storage;

/// <summary>
/// The file operations the log and the snapshot make on their disk: appends, fsyncs, truncation,
/// renames, deletes and the directory fsync. Every step that durability relies on passes here, so a
/// test can make the disk full or cut the power; <see cref="SystemLogDisk"/> is the real one.
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

    /// <summary>Renames <paramref name="from"/> over <paramref name="to"/>.</summary>
    void Move(string from, string to);

    /// <summary>Makes the directory's entries (new, renamed or deleted files) durable.</summary>
    void SyncDirectory(string path);
}
