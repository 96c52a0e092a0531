using System.Text.RegularExpressions;

namespace Roundabout.EndToEnd.Tests;

/// <summary>
/// The console blocks of a Markdown document, split into the commands they show (a line that
/// starts with "$ ") and the output printed under each. A block that does not start with a command
/// continues the previous command's session (the client menu). The comment
/// <c>&lt;!-- doc-test: optional REGEX --&gt;</c> before a block names lines that may or may not
/// appear, and <c>&lt;!-- doc-test: any order --&gt;</c> compares its lines as a set.
/// </summary>
internal sealed partial class DocBlocks
{
    private readonly Queue<DocCommand> _commands;

    private DocBlocks(string file, List<DocCommand> commands)
    {
        File = file;
        _commands = new Queue<DocCommand>(commands);
    }

    public string File { get; }

    public static DocBlocks Load(string relativePath)
    {
        var lines = RepositoryFiles.Read(relativePath).Split('\n');
        var commands = new List<DocCommand>();
        var optional = new List<Regex>();
        var anyOrder = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (Annotation().Match(lines[i]) is { Success: true } note)
            {
                if (note.Groups["optional"].Success)
                {
                    optional.Add(new Regex(note.Groups["optional"].Value.Trim()));
                }
                else
                {
                    anyOrder = true;
                }

                continue;
            }

            if (lines[i] != "```console")
            {
                if (lines[i].StartsWith("```", StringComparison.Ordinal))
                {
                    optional = [];
                    anyOrder = false;
                }

                continue;
            }

            DocCommand? current = null;
            for (i++; lines[i] != "```"; i++)
            {
                if (lines[i].StartsWith("$ ", StringComparison.Ordinal) || current is null)
                {
                    var isCommand = lines[i].StartsWith("$ ", StringComparison.Ordinal);
                    current = new DocCommand($"{relativePath}:{i + 1}", isCommand ? lines[i][2..] : null, optional, anyOrder);
                    commands.Add(current);
                    if (isCommand)
                    {
                        continue;
                    }
                }

                current.Expected.Add(lines[i]);
            }

            optional = [];
            anyOrder = false;
        }

        return new DocBlocks(relativePath, commands);
    }

    /// <summary>The next command shown, which must start with <paramref name="prefix"/> (null: a continued session).</summary>
    public DocCommand Next(string? prefix)
    {
        Assert.True(_commands.Count > 0, $"{File} shows no more commands; the test expected '{prefix}'.");
        var next = _commands.Dequeue();
        Assert.True(
            prefix is null ? next.Command is null : next.Command?.StartsWith(prefix, StringComparison.Ordinal) == true,
            $"{next.Where}: the test expected the command '{prefix ?? "(the session continues)"}', the document shows '{next.Command ?? "(the session continues)"}'.");
        return next;
    }

    /// <summary>Passes over the next command, which <paramref name="test"/> runs on its own.</summary>
    public void CheckedBy(string prefix, string test) => _ = Next(prefix) with { Command = test };

    /// <summary>The first command that starts with <paramref name="prefix"/>, for a test that runs it alone.</summary>
    public DocCommand Find(string prefix) =>
        _commands.FirstOrDefault(c => c.Command?.StartsWith(prefix, StringComparison.Ordinal) == true)
        ?? throw new InvalidOperationException($"{File} shows no command '{prefix}'.");

    /// <summary>Every command the document shows was run.</summary>
    public void AssertAllRun() =>
        Assert.True(_commands.Count == 0, $"{File} shows commands no test ran: {string.Join("; ", _commands.Select(c => $"{c.Where} {c.Command}"))}");

    [GeneratedRegex(@"^<!-- doc-test: (?:optional (?<optional>.+?)|any order) -->$")]
    private static partial Regex Annotation();
}

/// <summary>One command a document shows, and the lines it shows under it.</summary>
internal sealed record DocCommand(string Where, string? Command, IReadOnlyList<Regex> Optional, bool AnyOrder)
{
    /// <summary>What a user types at the menu's prompts; with piped input the typed text is not in the output.</summary>
    private static readonly string[] _prompts = ["[Client] Select an option: ", "Enter A: ", "Enter B: ", "Enter Factor: "];

    public List<string> Expected { get; } = [];

    /// <summary>The command's arguments after ./roundabout, and whether it ends with '; echo "exit $?"'.</summary>
    public (string[] Args, bool EchoesExitCode) Parse()
    {
        var text = Command ?? throw new InvalidOperationException($"{Where} continues a session: it has no command.");
        var hash = text.IndexOf("  #", StringComparison.Ordinal);
        text = (hash >= 0 ? text[..hash] : text).Trim();
        const string Echo = "; echo \"exit $?\"";
        var echoes = text.EndsWith(Echo, StringComparison.Ordinal);
        text = echoes ? text[..^Echo.Length] : text;
        Assert.StartsWith("./roundabout ", text, StringComparison.Ordinal);
        return (text["./roundabout ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries), echoes);
    }

    /// <summary>The commands of a line like "a &amp; b &amp;", each parsed.</summary>
    public IReadOnlyList<string[]> ParseBackground() =>
        [.. Command!.Split('&', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => (this with { Command = part }).Parse().Args)];

    /// <summary>The lines typed at the prompts, in order.</summary>
    public IReadOnlyList<string> Inputs =>
        [.. Expected.Select(line => _prompts.FirstOrDefault(p => line.StartsWith(p, StringComparison.Ordinal) && line.Length > p.Length) is { } prompt ? line[prompt.Length..] : null)
            .OfType<string>()];

    /// <summary>The lines as piped output shows them: each prompt and the next line on one line, without the typed text.</summary>
    public IReadOnlyList<string> ExpectedOutput()
    {
        var lines = new List<string>();
        var pending = string.Empty;
        foreach (var line in Expected)
        {
            if (_prompts.FirstOrDefault(p => line.StartsWith(p, StringComparison.Ordinal) && line.Length > p.Length) is { } prompt)
            {
                pending += prompt;
                continue;
            }

            lines.Add(pending + line);
            pending = string.Empty;
        }

        return lines;
    }
}
