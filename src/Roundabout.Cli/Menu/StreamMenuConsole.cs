namespace Roundabout.Cli.Menu;

/// <summary>The menu over a reader and a writer: the prompt is written, then a line is read.</summary>
public sealed class StreamMenuConsole(TextReader input, TextWriter output) : IMenuConsole
{
    public async Task<string?> ReadLineAsync(string prompt, CancellationToken cancellationToken)
    {
        await output.WriteAsync(prompt);
        await output.FlushAsync(cancellationToken);
        var line = await input.ReadLineAsync(cancellationToken);
        if (line is null)
        {
            // The prompt is still on its line: what comes next starts on a line of its own.
            await output.WriteLineAsync();
        }

        return line;
    }

    public async Task WriteLineAsync(string line)
    {
        await output.WriteLineAsync(line);
        await output.FlushAsync();
    }
}
