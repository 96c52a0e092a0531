using System.Buffers.Binary;
using System.Text;

namespace Roundabout.Database.Storage;

/// <summary>Reads little-endian fields in order; running past the end is a <see cref="FormatException"/>.</summary>
internal ref struct SpanCursor(ReadOnlySpan<byte> data)
{
    private static readonly UTF8Encoding _strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private ReadOnlySpan<byte> _rest = data;

    public readonly bool AtEnd => _rest.IsEmpty;

    public byte Byte() => Take(1)[0];

    public ushort UInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public byte[] Bytes(int length) => Take(length).ToArray();

    public string Utf8(int length)
    {
        try
        {
            return _strictUtf8.GetString(Take(length));
        }
        catch (DecoderFallbackException ex)
        {
            throw new FormatException("a key is not valid UTF-8", ex);
        }
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        if (length < 0 || length > _rest.Length)
        {
            throw new FormatException("a record ends before its fields do");
        }

        var taken = _rest[..length];
        _rest = _rest[length..];
        return taken;
    }
}
