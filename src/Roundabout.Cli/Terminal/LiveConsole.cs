using System.Text;

namespace Roundabout.Cli.Terminal;

/// <summary>
/// One output shared by lines that scroll (logs, results) and a live region kept at the bottom (a
/// prompt with what the user has typed, a progress line, a table). In a terminal, a line written
/// while the live region is shown goes above it: the region is erased, the line printed, and the
/// region drawn again, so a log line never lands inside a prompt. When the output is not a
/// terminal there is no live region: lines are written as they come, and <see cref="SetLive"/> is
/// ignored (callers print plain lines instead).
/// </summary>
public sealed class LiveConsole
{
    private const string EraseBelow = "\u001b[J";
    private readonly TextWriter _output;
    private readonly Func<int> _width;
    private readonly Lock _lock = new();
    private string _live = string.Empty;

    /// <param name="output">Where everything is written.</param>
    /// <param name="isTerminal">The output is a terminal, so the live region can be redrawn in place.</param>
    /// <param name="width">The terminal's width in columns, read at every redraw (it can change).</param>
    public LiveConsole(TextWriter output, bool isTerminal, Func<int>? width = null)
    {
        _output = output;
        IsTerminal = isTerminal;
        _width = width ?? (() => 80);
    }

    public bool IsTerminal { get; }

    /// <summary>
    /// Standard output, with the live region when it is a terminal, and so is standard input when
    /// <paramref name="readsKeys"/> (a prompt is edited there).
    /// </summary>
    public static LiveConsole ForStandardOutput(bool readsKeys = true) =>
        new(Console.Out, !Console.IsOutputRedirected && !(readsKeys && Console.IsInputRedirected), ConsoleWidth);

    /// <summary>Standard error, with the live region when it is a terminal (progress lines).</summary>
    public static LiveConsole ForStandardError() => new(Console.Error, !Console.IsErrorRedirected, ConsoleWidth);

    /// <summary>A line that scrolls: printed above the live region.</summary>
    public void WriteLine(string line)
    {
        lock (_lock)
        {
            var hadLive = IsTerminal && _live.Length > 0;
            var text = new StringBuilder();
            if (hadLive)
            {
                Erase(text);
            }

            text.Append(line).Append('\n');
            if (hadLive)
            {
                text.Append(_live);
            }

            _output.Write(text.ToString());
            _output.Flush();
        }
    }

    /// <summary>Replaces the live region (one or more lines; the cursor is left at its end).</summary>
    public void SetLive(string text)
    {
        if (!IsTerminal)
        {
            return;
        }

        lock (_lock)
        {
            var buffer = new StringBuilder();
            Erase(buffer);
            _live = text;
            buffer.Append(_live);
            _output.Write(buffer.ToString());
            _output.Flush();
        }
    }

    /// <summary>Erases the live region.</summary>
    public void ClearLive() => SetLive(string.Empty);

    /// <summary>
    /// Ends the live region by keeping it on the screen as a normal line (an answered prompt), so
    /// what comes next starts below it.
    /// </summary>
    public void CommitLive()
    {
        if (!IsTerminal)
        {
            return;
        }

        lock (_lock)
        {
            if (_live.Length > 0)
            {
                _output.Write('\n');
                _output.Flush();
            }

            _live = string.Empty;
        }
    }

    private void Erase(StringBuilder text)
    {
        if (_live.Length == 0)
        {
            return;
        }

        // The cursor sits at the end of the region: go up to its first row, then clear to the end of the screen.
        var rowsAbove = Rows(_live) - 1;
        text.Append('\r');
        if (rowsAbove > 0)
        {
            text.Append("\u001b[").Append(rowsAbove).Append('A');
        }

        text.Append(EraseBelow);
    }

    private int Rows(string text)
    {
        var width = Math.Max(1, _width());
        return text.Split('\n').Sum(line => Math.Max(1, (line.Length + width - 1) / width));
    }

    private static int ConsoleWidth()
    {
        try
        {
            var width = Console.WindowWidth;
            return width > 0 ? width : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}
