using System.Threading.Channels;

namespace Roundabout.Cli.Tests;

/// <summary>A reader whose lines a test supplies while the menu runs, as a user typing.</summary>
internal sealed class BlockingLines : TextReader
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private int _reads;

    public BlockingLines(Func<BlockingLines, Task> script)
    {
        _ = Task.Run(() => script(this));
    }

    public void Add(string line) => _lines.Writer.TryWrite(line);

    public void Complete() => _lines.Writer.TryComplete();

    /// <summary>Waits until the menu has asked for at least <paramref name="count"/> lines.</summary>
    public Task WaitForReadAsync(int count) => Eventually.UntilAsync(() => Volatile.Read(ref _reads) >= count, $"the menu asked for {count} line(s)");

    public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        return await _lines.Reader.WaitToReadAsync(cancellationToken) && _lines.Reader.TryRead(out var line) ? line : null;
    }
}
