using Roundabout.Cli.Terminal;

namespace Roundabout.Cli.Menu;

/// <summary>The menu in a terminal: prompts are edited in place, and other output goes above them.</summary>
public sealed class TerminalMenuConsole(LiveConsole console, LineEditor editor) : IMenuConsole
{
    public Task<string?> ReadLineAsync(string prompt, CancellationToken cancellationToken) => editor.ReadLineAsync(prompt, cancellationToken);

    public Task WriteLineAsync(string line)
    {
        console.WriteLine(line);
        return Task.CompletedTask;
    }
}
