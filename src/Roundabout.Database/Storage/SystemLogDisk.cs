using Microsoft.Win32.SafeHandles;

namespace Roundabout.Database.Storage;

/// <summary>The real disk.</summary>
internal sealed class SystemLogDisk : ILogDisk
{
    public static readonly SystemLogDisk Instance = new();

    private SystemLogDisk()
    {
    }

    public void Write(SafeFileHandle file, IReadOnlyList<ReadOnlyMemory<byte>> pieces, long offset) => RandomAccess.Write(file, pieces, offset);

    public void SyncData(FileStream file) => NativeMethods.SyncData(file);

    public void SetLength(FileStream file, long length) => file.SetLength(length);

    public void Delete(string path) => File.Delete(path);

    public void Move(string from, string to) => File.Move(from, to, overwrite: true);

    public void SyncDirectory(string path) => DataDirectory.SyncDirectory(path);
}
