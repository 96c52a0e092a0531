using System.Security.Cryptography;

namespace Roundabout.Database.Storage;

/// <summary>
/// A file of real (incompressible, non-sparse) bytes kept in the data directory. When the disk
/// fills up, releasing it gives the log room to make durable the writes it has already applied in
/// memory; being able to create it again is the sign that the disk has room for writes again.
/// </summary>
internal sealed class ReserveFile(string directory, long size, ILogDisk disk)
{
    public const string FileName = "reserve";
    private const int ChunkBytes = 64 * 1024;

    public string PathName { get; } = Path.Combine(directory, FileName);

    /// <summary>Present with its full size.</summary>
    public bool IsHeld
    {
        get
        {
            var info = new FileInfo(PathName);
            return info.Exists && info.Length == size;
        }
    }

    /// <summary>Writes the reserve and fsyncs it; false (and nothing left behind) when the disk is full.</summary>
    public bool TryCreate()
    {
        try
        {
            using (var file = new FileStream(PathName, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 0))
            {
                var chunk = new byte[ChunkBytes];
                RandomNumberGenerator.Fill(chunk);
                for (long offset = 0; offset < size; offset += ChunkBytes)
                {
                    var length = (int)Math.Min(ChunkBytes, size - offset);
                    disk.Write(file.SafeFileHandle, [chunk.AsMemory(0, length)], offset);
                }

                disk.SyncData(file);
            }

            disk.SyncDirectory(directory);
            return true;
        }
        catch (Exception ex) when (DiskSpace.IsFull(ex))
        {
            Release();
            return false;
        }
    }

    /// <summary>Deletes the reserve; true when there was one to free.</summary>
    public bool Release()
    {
        if (!File.Exists(PathName))
        {
            return false;
        }

        disk.Delete(PathName);
        return true;
    }
}
