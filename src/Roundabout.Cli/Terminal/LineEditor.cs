using System.Text;
using System.Threading.Channels;

namespace Roundabout.Cli.Terminal;

/// <summary>
/// Reads a line from the terminal key by key, with the prompt and what has been typed so far kept
/// as the <see cref="LiveConsole"/>'s live region: a log line that arrives meanwhile is printed
/// above, and the prompt and the typed text are drawn again below it. Enter ends the line; Ctrl-D
/// on an empty line ends the input; Backspace, Ctrl-U (the whole line) and Ctrl-W (a word) erase.
/// Ctrl-C stays a signal.
/// </summary>
public sealed class LineEditor : IDisposable
{
    /// <summary>More than any number the menu takes; the rest of a longer line is dropped.</summary>
    public const int MaxLength = 8192;

    private readonly LiveConsole _console;
    private readonly Channel<ConsoleKeyInfo> _keys = Channel.CreateUnbounded<ConsoleKeyInfo>(new UnboundedChannelOptions { SingleReader = true });

    /// <param name="console">Where the prompt is drawn.</param>
    /// <param name="readKey">Reads one key without echoing it (<see cref="Console.ReadKey(bool)"/>).</param>
    public LineEditor(LiveConsole console, Func<ConsoleKeyInfo> readKey)
    {
        _console = console;

        // Console.ReadKey cannot be cancelled, so one background thread reads every key for the session.
        var reader = new Thread(() =>
        {
            try
            {
                while (_keys.Writer.TryWrite(readKey()))
                {
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException)
            {
                // The terminal is gone: the input has ended.
            }

            _keys.Writer.TryComplete();
        })
        { IsBackground = true, Name = "terminal keys" };
        reader.Start();
    }

    /// <summary>The line typed, or null when the input has ended (Ctrl-D on an empty line).</summary>
    public async Task<string?> ReadLineAsync(string prompt, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        _console.SetLive(prompt);
        while (true)
        {
            ConsoleKeyInfo key;
            try
            {
                key = await _keys.Reader.ReadAsync(cancellationToken);
            }
            catch (ChannelClosedException)
            {
                _console.CommitLive();
                return null;
            }

            switch (Edit(line, key))
            {
                case Outcome.Done:
                    _console.CommitLive();
                    return line.ToString();
                case Outcome.EndOfInput:
                    _console.CommitLive();
                    return null;
                case Outcome.Changed:
                    _console.SetLive(prompt + line);
                    break;
            }
        }
    }

    public void Dispose() => _keys.Writer.TryComplete();

    private static Outcome Edit(StringBuilder line, ConsoleKeyInfo key)
    {
        var control = (key.Modifiers & ConsoleModifiers.Control) != 0;
        switch (key.KeyChar)
        {
            case '\r' or '\n':
                return Outcome.Done;
            case '\u0004':
                return line.Length == 0 ? Outcome.EndOfInput : Outcome.Unchanged;
            case '\b' or '\u007f':
                return EraseLast(line);
            case '\u0015':
                line.Clear();
                return Outcome.Changed;
            case '\u0017':
                EraseWord(line);
                return Outcome.Changed;
        }

        if (key.Key == ConsoleKey.Enter)
        {
            return Outcome.Done;
        }

        if (key.Key == ConsoleKey.Backspace)
        {
            return EraseLast(line);
        }

        if (control && key.Key == ConsoleKey.D)
        {
            return line.Length == 0 ? Outcome.EndOfInput : Outcome.Unchanged;
        }

        // Arrows, function keys and other control characters have no meaning here.
        if (char.IsControl(key.KeyChar) || key.KeyChar == '\0' || line.Length >= MaxLength)
        {
            return Outcome.Unchanged;
        }

        line.Append(key.KeyChar);
        return Outcome.Changed;
    }

    private static Outcome EraseLast(StringBuilder line)
    {
        if (line.Length == 0)
        {
            return Outcome.Unchanged;
        }

        var remove = line.Length >= 2 && char.IsLowSurrogate(line[^1]) && char.IsHighSurrogate(line[^2]) ? 2 : 1;
        line.Length -= remove;
        return Outcome.Changed;
    }

    private static void EraseWord(StringBuilder line)
    {
        var end = line.Length;
        while (end > 0 && line[end - 1] == ' ')
        {
            end--;
        }

        while (end > 0 && line[end - 1] != ' ')
        {
            end--;
        }

        line.Length = end;
    }

    private enum Outcome
    {
        Unchanged,
        Changed,
        Done,
        EndOfInput,
    }
}
