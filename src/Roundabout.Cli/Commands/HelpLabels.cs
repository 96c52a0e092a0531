using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Roundabout.Cli.Commands;

/// <summary>
/// The help lists one spelling per name without its dashes, so an option spelled both --port and
/// -port (the exercise's <c>server -port 9001</c>) shows as "-p, -port" and never as the
/// documented --port. The help of such an option lists every spelling, its name first after the
/// one-letter ones: "-p, --port, -port".
/// </summary>
internal static class HelpLabels
{
    public static void ListEverySpelling(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().FirstOrDefault();
        if (help?.Action is not SynchronousCommandLineAction inner)
        {
            return;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in Commands(root).SelectMany(c => c.Options))
        {
            var bare = option.Name.TrimStart('-');
            if (option.Aliases.Any(a => a.TrimStart('-') == bare))
            {
                labels[ShownLabel(option)] = FullLabel(option);
            }
        }

        if (labels.Count > 0)
        {
            help.Action = new RelabelledHelp(inner, labels);
        }
    }

    /// <summary>As the help shows it: per name without dashes, the spelling with the fewest dashes.</summary>
    private static string ShownLabel(Option option)
    {
        var spellings = new[] { option.Name }.Concat(option.Aliases)
            .Select(s => (Prefix: s[..(s.Length - s.TrimStart('-').Length)], Bare: s.TrimStart('-')))
            .OrderBy(s => s.Prefix, StringComparer.OrdinalIgnoreCase)
            .ThenBy(s => s.Bare, StringComparer.OrdinalIgnoreCase)
            .GroupBy(s => s.Bare)
            .Select(g => g.First().Prefix + g.First().Bare);
        return $"{string.Join(", ", spellings)} <{option.HelpName ?? option.Name.TrimStart('-')}>";
    }

    private static string FullLabel(Option option)
    {
        string[] spellings = [.. option.Aliases.Where(a => a.TrimStart('-').Length == 1), option.Name, .. option.Aliases.Where(a => a.TrimStart('-').Length > 1)];
        return $"{string.Join(", ", spellings)} <{option.HelpName ?? option.Name.TrimStart('-')}>";
    }

    private static IEnumerable<Command> Commands(Command command) => [command, .. command.Subcommands.SelectMany(Commands)];

    /// <summary>Writes the usual help, with each shortened label replaced by the full one in the same column.</summary>
    private sealed class RelabelledHelp(SynchronousCommandLineAction inner, IReadOnlyDictionary<string, string> labels) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var configuration = parseResult.InvocationConfiguration;
            var output = configuration.Output;
            using var buffer = new StringWriter();
            configuration.Output = buffer;
            int code;
            try
            {
                code = inner.Invoke(parseResult);
            }
            finally
            {
                configuration.Output = output;
            }

            output.Write(string.Join('\n', buffer.ToString().Split('\n').Select(Relabel)));

            return code;
        }

        private string Relabel(string line)
        {
            var text = line.TrimStart();
            var indent = line[..(line.Length - text.Length)];
            foreach (var (shown, full) in labels)
            {
                if (text.StartsWith(shown + "  ", StringComparison.Ordinal))
                {
                    // Take the longer label's room from the padding, keeping at least two spaces.
                    var rest = text[shown.Length..];
                    var padding = rest.Length - rest.TrimStart(' ').Length;
                    var kept = Math.Max(2, padding - (full.Length - shown.Length));
                    return indent + full + new string(' ', kept) + rest.TrimStart(' ');
                }
            }

            return line;
        }
    }
}
