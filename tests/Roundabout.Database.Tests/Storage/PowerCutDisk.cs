using Microsoft.Win32.SafeHandles;
using Roundabout.Database.Storage;

namespace Roundabout.Database.Tests.Storage;

/// <summary>
/// A real directory with the memory of a disk that loses power. It remembers what the last fsync of
/// each file made durable and which names the last directory fsync made durable; when the power goes,
/// every later operation fails, and <see cref="RestoreAfterPowerCut"/> leaves in the directory only
/// that: the durable names, each with its durable bytes, plus (as a real disk may) a random part of
/// an appended tail that was written but not synced. Unsynced creates, renames and deletes are undone.
/// </summary>
internal sealed class PowerCutDisk : ILogDisk
{
    private readonly Lock _gate = new();
    private readonly string _directory;
    private readonly Random _random;
    private readonly Dictionary<string, Inode> _names = new(StringComparer.Ordinal);
    private Dictionary<string, Inode> _durableNames;
    private long _operationsLeft = long.MaxValue;

    /// <summary>Takes the directory's present files as durable (they are what survived the last cut).</summary>
    public PowerCutDisk(string directory, Random random)
    {
        _directory = Path.GetFullPath(directory);
        _random = random;
        foreach (var path in Directory.EnumerateFiles(_directory))
        {
            _names[path] = new Inode { Durable = File.ReadAllBytes(path) };
        }

        _durableNames = new(_names, StringComparer.Ordinal);
    }

    /// <summary>True once the power is off.</summary>
    public bool IsOff { get; private set; }

    /// <summary>How many fsyncs of file data were really made.</summary>
    public int DataSyncs { get; private set; }

    /// <summary>The power goes just before operation number <paramref name="operations"/> from now (0: the next one).</summary>
    public void CutBefore(long operations)
    {
        lock (_gate)
        {
            _operationsLeft = operations;
        }
    }

    public void CutNow() => CutBefore(0);

    public void Write(SafeFileHandle file, IReadOnlyList<ReadOnlyMemory<byte>> pieces, long offset)
    {
        lock (_gate)
        {
            Step();
            RandomAccess.Write(file, pieces, offset);
        }
    }

    public void SyncData(FileStream file)
    {
        lock (_gate)
        {
            Step();
            file.Flush();
            var content = new byte[RandomAccess.GetLength(file.SafeFileHandle)];
            RandomAccess.Read(file.SafeFileHandle, content, 0);
            NodeAt(Path.GetFullPath(file.Name)).Durable = content;
            DataSyncs++;
        }
    }

    public void SetLength(FileStream file, long length)
    {
        lock (_gate)
        {
            Step();
            file.SetLength(length);
        }
    }

    public void Delete(string path)
    {
        lock (_gate)
        {
            Step();
            File.Delete(path);
            _names.Remove(Path.GetFullPath(path));
        }
    }

    public void Move(string from, string to)
    {
        lock (_gate)
        {
            Step();
            File.Move(from, to, overwrite: true);
            var node = NodeAt(Path.GetFullPath(from));
            _names.Remove(Path.GetFullPath(from));
            _names[Path.GetFullPath(to)] = node;
        }
    }

    public void SyncDirectory(string path)
    {
        lock (_gate)
        {
            Step();
            foreach (var file in Directory.EnumerateFiles(_directory))
            {
                NodeAt(file);
            }

            _durableNames = new(_names, StringComparer.Ordinal);
        }
    }

    /// <summary>After the store is closed: the directory as the disk holds it when the power comes back.</summary>
    public void RestoreAfterPowerCut()
    {
        lock (_gate)
        {
            IsOff = true;
            var written = new Dictionary<Inode, byte[]>();
            foreach (var (path, node) in _names)
            {
                if (File.Exists(path))
                {
                    written[node] = File.ReadAllBytes(path);
                }
            }

            foreach (var path in Directory.EnumerateFiles(_directory))
            {
                File.Delete(path);
            }

            foreach (var (path, node) in _durableNames)
            {
                File.WriteAllBytes(path, Survivor(node, written.GetValueOrDefault(node)));
            }
        }
    }

    /// <summary>The durable bytes, and of bytes appended after them but never synced, a random part (maybe none, maybe all).</summary>
    private byte[] Survivor(Inode node, byte[]? written)
    {
        if (written is null || written.Length <= node.Durable.Length || !written.AsSpan().StartsWith(node.Durable))
        {
            return node.Durable;
        }

        var kept = _random.Next(3) switch
        {
            0 => node.Durable.Length,
            1 => written.Length,
            _ => _random.Next(node.Durable.Length, written.Length + 1),
        };
        return written[..kept];
    }

    private void Step()
    {
        if (IsOff || _operationsLeft-- <= 0)
        {
            IsOff = true;
            throw new IOException("The power is off.");
        }
    }

    private Inode NodeAt(string path)
    {
        if (!_names.TryGetValue(path, out var node))
        {
            node = new Inode();
            _names[path] = node;
        }

        return node;
    }

    /// <summary>A file apart from its name: a rename moves it, an fsync of its data updates it.</summary>
    private sealed class Inode
    {
        public byte[] Durable { get; set; } = [];
    }
}
