using Roundabout.Cli.Menu;

namespace Roundabout.Cli.Terminal;

/// <summary>
/// What an interactive command writes through: in a terminal, a <see cref="LiveConsole"/> that keeps
/// the prompt below every other line, and a key-by-key <see cref="LineEditor"/>; otherwise plain
/// standard input and output. Log lines go through <see cref="LogOutput"/>.
/// </summary>
public sealed class TerminalSession : IDisposable
{
    private readonly LineEditor? _editor;

    private TerminalSession(LiveConsole console, LineEditor? editor, TextWriter output, TextWriter logOutput, IMenuConsole menu)
    {
        Console = console;
        _editor = editor;
        Output = output;
        LogOutput = logOutput;
        Menu = menu;
    }

    public LiveConsole Console { get; }

    /// <summary>Lines for standard output (above the prompt in a terminal).</summary>
    public TextWriter Output { get; }

    /// <summary>Log lines: above the prompt when standard error is the same terminal, else standard error.</summary>
    public TextWriter LogOutput { get; }

    public IMenuConsole Menu { get; }

    public static TerminalSession ForStandardStreams()
    {
        var console = LiveConsole.ForStandardOutput();
        if (!console.IsTerminal)
        {
            return new TerminalSession(console, null, System.Console.Out, System.Console.Error, new StreamMenuConsole(System.Console.In, System.Console.Out));
        }

        var editor = new LineEditor(console, () => System.Console.ReadKey(intercept: true));
        var writer = new LiveConsoleWriter(console);
        var logs = System.Console.IsErrorRedirected ? System.Console.Error : writer;
        return new TerminalSession(console, editor, writer, logs, new TerminalMenuConsole(console, editor));
    }

    public void Dispose() => _editor?.Dispose();
}
