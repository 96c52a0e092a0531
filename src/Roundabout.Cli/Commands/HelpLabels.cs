using System.CommandLine;
using System.Text;

namespace Roundabout.Cli.Commands;

/// <summary>
/// The help lists one spelling per name without its dashes, so an option spelled both --port and
/// -port (the exercise's <c>server -port 9001</c>) shows as "-p, -port" and never as the
/// documented --port. The help's output goes through <see cref="Relabelling"/>, which lists every
/// spelling of such an option, its name first after the one-letter ones: "-p, --port, -port".
/// </summary>
internal static class HelpLabels
{
    /// <summary>A writer that passes <paramref name="output"/> every line, with each shortened label replaced by the full one in the same column.</summary>
    public static TextWriter Relabelling(RootCommand root, TextWriter output)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in Commands(root).SelectMany(c => c.Options))
        {
            var bare = option.Name.TrimStart('-');
            if (option.Aliases.Any(a => a.TrimStart('-') == bare))
            {
                labels[ShownLabel(option)] = FullLabel(option);
            }
        }

        return new LabelWriter(output, labels);
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

    internal static string Relabel(string line, IReadOnlyDictionary<string, string> labels)
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

    /// <summary>Holds each line until its end, then writes it relabelled.</summary>
    private sealed class LabelWriter(TextWriter inner, IReadOnlyDictionary<string, string> labels) : TextWriter
    {
        private readonly StringBuilder _line = new();

        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value)
        {
            if (value == '\n')
            {
                inner.Write(Relabel(_line.ToString(), labels));
                inner.Write('\n');
                _line.Clear();
            }
            else
            {
                _line.Append(value);
            }
        }

        public override void Write(string? value)
        {
            foreach (var c in value ?? string.Empty)
            {
                Write(c);
            }
        }

        public override void Flush()
        {
            if (_line.Length > 0)
            {
                inner.Write(Relabel(_line.ToString(), labels));
                _line.Clear();
            }

            inner.Flush();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Flush();
            }

            base.Dispose(disposing);
        }
    }
}
