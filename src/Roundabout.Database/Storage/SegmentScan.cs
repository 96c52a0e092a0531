namespace Roundabout.Database.Storage;

/// <summary>What reading one log segment found: its intact frames and where (if anywhere) it stops being readable.</summary>
/// <param name="ValidLength">The byte length up to the end of the last intact frame.</param>
/// <param name="DamageOffset">Where unreadable bytes start, or -1 if the file is whole.</param>
/// <param name="IntactFrameFollows">True if an intact frame lies after the damage: corruption, not a torn write.</param>
internal sealed record SegmentScan(List<(long Offset, ReadOnlyMemory<byte> Payload)> Frames, long ValidLength, long DamageOffset, bool IntactFrameFollows)
{
    public bool IsWhole => DamageOffset < 0;

    /// <summary>Reads the frames from <paramref name="start"/>; at the first bad one, looks for any intact frame after it.</summary>
    public static SegmentScan Read(byte[] data, long start)
    {
        var frames = new List<(long, ReadOnlyMemory<byte>)>();
        var offset = start;
        while (offset < data.Length)
        {
            if (!Frame.TryReadAt(data, offset, out var length))
            {
                return new SegmentScan(frames, offset, offset, IntactFrameAfter(data, offset));
            }

            frames.Add((offset, data.AsMemory((int)offset + Frame.HeaderSize, length)));
            offset += Frame.HeaderSize + length;
        }

        return new SegmentScan(frames, offset, -1, false);
    }

    /// <summary>
    /// A crash can only tear the one frame being written when it struck, which is always the last.
    /// So bad bytes followed by an intact frame are corruption of data that was on disk.
    /// </summary>
    private static bool IntactFrameAfter(byte[] data, long damaged)
    {
        // The damaged frame's own length may be intact (a flipped payload bit): try where it says the next frame is.
        if (data.Length - damaged >= Frame.HeaderSize)
        {
            var claimed = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)damaged + 4));
            var next = damaged + Frame.HeaderSize + claimed;
            if (claimed is > 0 and <= Frame.MaxPayloadBytes && next < data.Length && Frame.TryReadAt(data, next, out _))
            {
                return true;
            }
        }

        // A torn write is at most one frame long; more damaged bytes than that cannot be a torn write.
        if (data.Length - damaged > Frame.HeaderSize + Frame.MaxPayloadBytes)
        {
            return true;
        }

        for (var at = damaged + 1; at <= data.Length - Frame.HeaderSize - 1; at++)
        {
            if (Frame.TryReadAt(data, at, out _))
            {
                return true;
            }
        }

        return false;
    }
}
