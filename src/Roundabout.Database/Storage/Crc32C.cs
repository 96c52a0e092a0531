using System.Buffers.Binary;
using System.Numerics;

namespace Roundabout.Database.Storage;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of every log and snapshot frame.
/// </summary>
/// <remarks>
/// System.IO.Hashing 10.x, the version in our central package list, only has the IEEE CRC-32 and
/// CRC-64; CRC-32C arrives there in 11.0. The runtime's <see cref="BitOperations.Crc32C(uint, ulong)"/>
/// computes the same polynomial with the SSE4.2/ARM CRC instructions (and a software fallback), so we
/// use it instead of adding a package. The check value of "123456789" is 0xE3069283 (RFC 3720).
/// </remarks>
internal static class Crc32C
{
    /// <summary>Continues a running CRC; start from <c>0</c> and pass the previous result to chain buffers.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var state = ~crc;
        while (data.Length >= sizeof(ulong))
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (var b in data)
        {
            state = BitOperations.Crc32C(state, b);
        }

        return ~state;
    }

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);
}
