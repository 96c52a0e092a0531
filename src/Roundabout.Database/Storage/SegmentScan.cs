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
    /// So bad bytes followed by an intact frame are corruption of data that was on disk. Header
    /// checksums make each candidate offset cost a few nanoseconds, so the search is linear.
    /// </summary>
    private static bool IntactFrameAfter(byte[] data, long damaged)
    {
        for (var at = damaged + 1; at <= data.Length - Frame.HeaderSize - 1; at++)
        {
            if (Frame.TryReadHeaderAt(data, at, out _, out _) && Frame.TryReadAt(data, at, out _))
            {
                return true;
            }
        }

        return false;
    }
}
