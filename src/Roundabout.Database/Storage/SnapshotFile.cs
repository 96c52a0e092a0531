using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Roundabout.Database.Storage;

/// <summary>
/// The snapshot: the magic <c>RBDBSNP1</c>, then frames. The first frame holds the revision and the
/// number of entries, the following frames hold entries in chunks, and a last frame repeats the
/// count, so a snapshot cut short is refused rather than read as a smaller store.
/// </summary>
internal static class SnapshotFile
{
    public const string FileName = "snapshot";
    public const string TempFileName = "snapshot.tmp";
    private const byte HeaderKind = 1;
    private const byte EntriesKind = 2;
    private const byte EndKind = 3;
    private const int ChunkBytes = 1024 * 1024;

    /// <summary>
    /// A chunk is closed once it passes <see cref="ChunkBytes"/>, so the last entry fits without the
    /// buffer growing when values are at most the store's 64 KiB; a larger one only makes it grow.
    /// </summary>
    private const int ChunkCapacity = ChunkBytes + (64 * 1024) + 1024;
    private static readonly byte[] _magic = "RBDBSNP1"u8.ToArray();

    /// <summary>Writes the image to a temp file, fsyncs it, renames it over the snapshot and fsyncs the directory.</summary>
    public static void Write(string directory, StoreImage image, ILogDisk disk)
    {
        var temp = Path.Combine(directory, TempFileName);
        // ReadWrite, so that a disk seam can read back what it syncs.
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 1 << 16))
        {
            file.Write(_magic);
            var chunk = new ArrayBufferWriter<byte>(ChunkCapacity);
            WriteFrame(file, [HeaderKind], image.Revision, image.Entries.Count);
            chunk.Write([EntriesKind]);
            foreach (var (key, entry) in image.Entries)
            {
                WriteEntry(chunk, key, entry);
                if (chunk.WrittenCount >= ChunkBytes)
                {
                    file.Write(Frame.Build(chunk.WrittenSpan));
                    chunk.ResetWrittenCount();
                    chunk.Write([EntriesKind]);
                }
            }

            if (chunk.WrittenCount > 1)
            {
                file.Write(Frame.Build(chunk.WrittenSpan));
            }

            WriteFrame(file, [EndKind], image.Revision, image.Entries.Count);
            file.Flush();
            disk.SyncData(file);
        }

        disk.Move(temp, Path.Combine(directory, FileName));
        disk.SyncDirectory(directory);
    }

    /// <summary>Reads a snapshot; any damage is <see cref="StoreOpenException"/> naming the file and offset.</summary>
    public static StoreImage Read(string path)
    {
        var data = File.ReadAllBytes(path);
        if (data.Length < _magic.Length || !data.AsSpan(0, _magic.Length).SequenceEqual(_magic))
        {
            throw StoreOpenException.Corrupt(path, 0, "it does not start with the snapshot header");
        }

        var scan = SegmentScan.Read(data, _magic.Length);
        if (!scan.IsWhole)
        {
            throw StoreOpenException.Corrupt(path, scan.DamageOffset, "a snapshot frame fails its CRC32C check or is cut short");
        }

        long revision = -1;
        long expected = -1;
        var ended = false;
        var entries = new List<KeyValuePair<string, StoredEntry>>();
        foreach (var (offset, payload) in scan.Frames)
        {
            try
            {
                var cursor = new SpanCursor(payload.Span);
                var kind = cursor.Byte();
                if (ended || (kind == HeaderKind) != (revision < 0))
                {
                    throw new FormatException("frames are out of order");
                }

                switch (kind)
                {
                    case HeaderKind:
                        revision = cursor.Int64();
                        expected = cursor.Int64();
                        break;
                    case EntriesKind:
                        while (!cursor.AtEnd)
                        {
                            var key = cursor.Utf8(cursor.UInt16());
                            var version = cursor.Int64();
                            var expiresAt = cursor.Int64();
                            var value = cursor.Bytes(checked((int)cursor.UInt32()));
                            entries.Add(new(key, new StoredEntry(value, version, expiresAt)));
                        }

                        break;
                    case EndKind:
                        if (cursor.Int64() != revision || cursor.Int64() != entries.Count || entries.Count != expected)
                        {
                            throw new FormatException("the entry count does not match the header");
                        }

                        ended = true;
                        break;
                    default:
                        throw new FormatException($"unknown frame kind {kind}");
                }
            }
            catch (FormatException ex)
            {
                throw StoreOpenException.Corrupt(path, offset, $"a frame passes its checksum but cannot be read ({ex.Message})");
            }
        }

        if (!ended)
        {
            throw StoreOpenException.Corrupt(path, scan.ValidLength, "the snapshot ends before its closing frame");
        }

        return new StoreImage(revision, entries);
    }

    private static void WriteFrame(Stream file, byte[] kind, long a, long b)
    {
        Span<byte> payload = stackalloc byte[17];
        payload[0] = kind[0];
        BinaryPrimitives.WriteInt64LittleEndian(payload[1..], a);
        BinaryPrimitives.WriteInt64LittleEndian(payload[9..], b);
        file.Write(Frame.Build(payload));
    }

    private static void WriteEntry(ArrayBufferWriter<byte> output, string key, StoredEntry entry)
    {
        var keyLength = Encoding.UTF8.GetByteCount(key);
        var span = output.GetSpan(2 + keyLength + 8 + 8 + 4 + entry.Value.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)keyLength);
        var at = 2 + Encoding.UTF8.GetBytes(key, span[2..]);
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], entry.Version);
        BinaryPrimitives.WriteInt64LittleEndian(span[(at + 8)..], entry.ExpiresAtMs);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 16)..], (uint)entry.Value.Length);
        entry.Value.CopyTo(span[(at + 20)..]);
        output.Advance(at + 20 + entry.Value.Length);
    }
}
