using System.Buffers.Binary;

namespace Roundabout.Database.Storage;

/// <summary>
/// The unit of the log and the snapshot: <c>crc32c:u32 length:u32 payload</c>, little-endian, where
/// the CRC covers the length field and the payload. The log writes one frame per fsync, so only the
/// last frame of the last segment can be torn by a crash.
/// </summary>
internal static class Frame
{
    public const int HeaderSize = 8;
    public const int MaxPayloadBytes = 64 * 1024 * 1024;

    /// <summary>The CRC of a frame, chained over its payload pieces.</summary>
    public static uint StartCrc(int payloadLength)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)payloadLength);
        return Crc32C.Compute(length);
    }

    public static void WriteHeader(Span<byte> header, uint crc, int payloadLength)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, crc);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)payloadLength);
    }

    public static byte[] Build(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[HeaderSize + payload.Length];
        WriteHeader(frame, Crc32C.Append(StartCrc(payload.Length), payload), payload.Length);
        payload.CopyTo(frame.AsSpan(HeaderSize));
        return frame;
    }

    /// <summary>Whether a whole, intact frame starts at <paramref name="offset"/>; if so, its payload length.</summary>
    public static bool TryReadAt(ReadOnlySpan<byte> data, long offset, out int payloadLength)
    {
        payloadLength = 0;
        if (data.Length - offset < HeaderSize)
        {
            return false;
        }

        var header = data.Slice((int)offset, HeaderSize);
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (length == 0 || length > MaxPayloadBytes || length > data.Length - offset - HeaderSize)
        {
            return false;
        }

        var payload = data.Slice((int)offset + HeaderSize, (int)length);
        if (Crc32C.Append(Crc32C.Compute(header[4..]), payload) != crc)
        {
            return false;
        }

        payloadLength = (int)length;
        return true;
    }
}
