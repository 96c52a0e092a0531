using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Roundabout.Database.Storage;

/// <summary>
/// The byte form of a commit inside a log frame:
/// <c>revision:i64 count:u16</c>, then per mutation <c>kind:u8 keyLength:u16 key</c> and, for a put,
/// <c>expiresAtMs:i64 valueLength:u32 value</c>. All little-endian.
/// </summary>
internal static class CommitCodec
{
    private const byte PutKind = 1;
    private const byte DeleteKind = 2;

    public static void Write(IBufferWriter<byte> output, Commit commit)
    {
        var header = output.GetSpan(10);
        BinaryPrimitives.WriteInt64LittleEndian(header, commit.Revision);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], checked((ushort)commit.Mutations.Count));
        output.Advance(10);
        foreach (var mutation in commit.Mutations)
        {
            var keyLength = Encoding.UTF8.GetByteCount(mutation.Key);
            var valueLength = mutation.Value?.Length ?? 0;
            var span = output.GetSpan(1 + 2 + keyLength + 8 + 4 + valueLength);
            span[0] = mutation.IsDelete ? DeleteKind : PutKind;
            BinaryPrimitives.WriteUInt16LittleEndian(span[1..], (ushort)keyLength);
            var at = 3 + Encoding.UTF8.GetBytes(mutation.Key, span[3..]);
            if (!mutation.IsDelete)
            {
                BinaryPrimitives.WriteInt64LittleEndian(span[at..], mutation.ExpiresAtMs);
                BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 8)..], (uint)valueLength);
                mutation.Value.CopyTo(span[(at + 12)..]);
                at += 12 + valueLength;
            }

            output.Advance(at);
        }
    }

    /// <summary>Reads every commit of a frame's payload; throws <see cref="FormatException"/> if it does not parse.</summary>
    public static List<Commit> ReadAll(ReadOnlySpan<byte> payload)
    {
        var commits = new List<Commit>();
        var reader = new SpanCursor(payload);
        while (!reader.AtEnd)
        {
            var revision = reader.Int64();
            var count = reader.UInt16();
            var mutations = new Mutation[count];
            for (var i = 0; i < count; i++)
            {
                var kind = reader.Byte();
                var key = reader.Utf8(reader.UInt16());
                if (kind == DeleteKind)
                {
                    mutations[i] = Mutation.Delete(key);
                }
                else if (kind == PutKind)
                {
                    var expiresAtMs = reader.Int64();
                    var value = reader.Bytes(checked((int)reader.UInt32()));
                    mutations[i] = Mutation.Put(key, value, expiresAtMs);
                }
                else
                {
                    throw new FormatException($"unknown mutation kind {kind}");
                }
            }

            commits.Add(new Commit(revision, mutations));
        }

        return commits;
    }
}
