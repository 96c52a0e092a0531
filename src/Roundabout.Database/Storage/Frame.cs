using System.Buffers.Binary;

namespace Roundabout.Database.Storage;

/// <summary>
/// The unit of the log and the snapshot: <c>payloadCrc:u32 length:u32 headerCrc:u32 payload</c>,
/// little-endian, all CRC-32C. <c>headerCrc</c> covers the first eight bytes, so a reader can tell
/// in constant time whether a frame header starts at a given offset (which keeps the search for
/// intact frames after damage linear); <c>payloadCrc</c> covers the payload. The log writes one
/// frame per fsync, so only the last frame of the last segment can be torn by a crash.
/// </summary>
internal static class Frame
{
    public const int HeaderSize = 12;
    public const int MaxPayloadBytes = 64 * 1024 * 1024;

    public static void WriteHeader(Span<byte> header, uint payloadCrc, int payloadLength)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, payloadCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Compute(header[..8]));
    }

    public static byte[] Build(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[HeaderSize + payload.Length];
        WriteHeader(frame, Crc32C.Compute(payload), payload.Length);
        payload.CopyTo(frame.AsSpan(HeaderSize));
        return frame;
    }

    /// <summary>Whether a whole, intact frame starts at <paramref name="offset"/>; if so, its payload length.</summary>
    public static bool TryReadAt(ReadOnlySpan<byte> data, long offset, out int payloadLength)
    {
        payloadLength = 0;
        if (!TryReadHeaderAt(data, offset, out var payloadCrc, out var length) || length > data.Length - offset - HeaderSize)
        {
            return false;
        }

        if (Crc32C.Compute(data.Slice((int)offset + HeaderSize, length)) != payloadCrc)
        {
            return false;
        }

        payloadLength = length;
        return true;
    }

    /// <summary>Whether an intact frame header (not necessarily its payload) starts at <paramref name="offset"/>.</summary>
    public static bool TryReadHeaderAt(ReadOnlySpan<byte> data, long offset, out uint payloadCrc, out int payloadLength)
    {
        payloadCrc = 0;
        payloadLength = 0;
        if (data.Length - offset < HeaderSize)
        {
            return false;
        }

        var header = data.Slice((int)offset, HeaderSize);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) != Crc32C.Compute(header[..8]) || length == 0 || length > MaxPayloadBytes)
        {
            return false;
        }

        payloadCrc = BinaryPrimitives.ReadUInt32LittleEndian(header);
        payloadLength = (int)length;
        return true;
    }
}
