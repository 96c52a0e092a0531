using System.Text;

namespace Roundabout.Cli.Terminal;

/// <summary>
/// A writer whose every complete line goes through a <see cref="LiveConsole"/>, above its live
/// region: the loggers and the component relays write through it without knowing about prompts.
/// </summary>
public sealed class LiveConsoleWriter(LiveConsole console) : TextWriter
{
    private readonly StringBuilder _pending = new();
    private readonly Lock _lock = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_lock)
        {
            if (value == '\n')
            {
                var line = _pending.ToString().TrimEnd('\r');
                _pending.Clear();
                console.WriteLine(line);
            }
            else
            {
                _pending.Append(value);
            }
        }
    }

    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }

        lock (_lock)
        {
            foreach (var c in value)
            {
                Write(c);
            }
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_lock)
        {
            if (_pending.Length == 0 && value is not null && !value.Contains('\n', StringComparison.Ordinal))
            {
                console.WriteLine(value);
                return;
            }

            Write(value);
            Write('\n');
        }
    }
}
