using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Roundabout.Database.Engine;
using Roundabout.Database.Storage;

namespace Roundabout.Bench.Micro;

/// <summary>
/// The database's log encoding in memory, no disk: one commit holding one Put (an accumulator key
/// and a 40-digit value) encoded into a CRC-32C framed record, and the same frame checked and decoded
/// as recovery reads it.
/// </summary>
[MemoryDiagnoser]
public class CommitCodecBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private Commit _commit = null!;
    private byte[] _frame = null!;

    [GlobalSetup]
    public void Setup()
    {
        var value = Encoding.UTF8.GetBytes("1234567890123456789012345678901234567890");
        _commit = new Commit(42, [Mutation.Put("calculator/accumulator/global", value, 0)]);
        _frame = EncodeFrame();
    }

    [Benchmark]
    public byte[] EncodeFrame()
    {
        _buffer.ResetWrittenCount();
        CommitCodec.Write(_buffer, _commit);
        return Frame.Build(_buffer.WrittenSpan);
    }

    [Benchmark]
    public int DecodeFrame()
    {
        if (!Frame.TryReadAt(_frame, 0, out var length))
        {
            throw new InvalidOperationException("the frame does not verify");
        }

        return CommitCodec.ReadAll(_frame.AsSpan(Frame.HeaderSize, length)).Count;
    }
}
