namespace Roundabout.Cli.Menu;

/// <summary>Where the menu reads its answers and writes its lines: a terminal, or plain streams (a pipe, a test).</summary>
public interface IMenuConsole
{
    /// <summary>Shows the prompt and reads one line; null when the input has ended.</summary>
    Task<string?> ReadLineAsync(string prompt, CancellationToken cancellationToken);

    Task WriteLineAsync(string line);
}
