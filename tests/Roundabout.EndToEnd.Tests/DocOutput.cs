using System.Globalization;
using System.Text.RegularExpressions;

namespace Roundabout.EndToEnd.Tests;

/// <summary>
/// Compares the output a document shows with the real output, on the text that does not vary:
/// dates, times, numbers and ids are set aside, the real ports are read as the document's ports,
/// runs of spaces count as one, and "..." in the document stands for any lines.
/// </summary>
internal sealed partial class DocOutput(IReadOnlyDictionary<int, int> realToDocPorts)
{
    private const string Gap = "...";

    /// <summary>The lines in the form they are compared in.</summary>
    public string Normalise(string line, bool real)
    {
        if (real)
        {
            line = Port().Replace(line, m => m.Groups["prefix"].Value + (realToDocPorts.TryGetValue(int.Parse(m.Groups["port"].Value, CultureInfo.InvariantCulture), out var doc) ? doc : int.Parse(m.Groups["port"].Value, CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture));
        }

        line = Time().Replace(line, "<time>");
        line = HexId().Replace(line, "<id>");
        var ports = new List<string>();
        line = Port().Replace(line, m =>
        {
            ports.Add(m.Value);
            return $"<port{(char)('a' + ports.Count - 1)}>";
        });
        line = Number().Replace(line, "#");
        line = NumberList().Replace(line, "#");
        line = Spaces().Replace(line, " ").Trim();
        for (var i = 0; i < ports.Count; i++)
        {
            line = line.Replace($"<port{(char)('a' + i)}>", ports[i], StringComparison.Ordinal);
        }

        return line;
    }

    /// <summary>Null when <paramref name="actual"/> shows what <paramref name="command"/> shows, or else the difference.</summary>
    /// <param name="complete">The real output is all there is: lines past the document's last are a difference too.</param>
    /// <param name="end">The index of the first real line after the match.</param>
    public string? Compare(DocCommand command, IReadOnlyList<string> expectedLines, IReadOnlyList<string> actual, int from, bool complete, out int end)
    {
        end = from;
        bool Optional(string line) => command.Optional.Any(r => r.IsMatch(line));
        var expected = expectedLines.Where(l => !Optional(l)).Select(l => l == Gap ? Gap : Normalise(l, real: false)).ToList();
        var real = actual.Skip(from).Select((l, i) => (Line: Normalise(l, real: true), Index: from + i, Optional: Optional(l))).Where(x => !x.Optional).ToList();

        if (command.AnyOrder)
        {
            var left = real.Select(x => x.Line).ToList();
            var missing = expected.Where(e => e != Gap && !left.Remove(e)).ToList();
            end = actual.Count;
            return missing.Count == 0 && (expected.Contains(Gap) || left.Count == 0)
                ? null
                : Describe(command, expected, real.Select(x => x.Line), $"missing: {string.Join(" | ", missing)}; not shown: {string.Join(" | ", left)}");
        }

        var at = 0;
        var anchored = true;
        var segment = new List<string>();
        foreach (var line in expected.Append(Gap))
        {
            if (line != Gap)
            {
                segment.Add(line);
                continue;
            }

            if (segment.Count > 0)
            {
                var found = Find(real.Select(x => x.Line).ToList(), segment, at, anchored);
                if (found < 0)
                {
                    return Describe(command, expected, real.Select(x => x.Line), $"not found {(anchored ? "at line " + (at + 1) : "after line " + at)}: {string.Join(" | ", segment)}");
                }

                at = found + segment.Count;
                end = real[at - 1].Index + 1;
                segment.Clear();
            }

            anchored = false;
        }

        return complete && expected.Count > 0 && expected[^1] != Gap && at < real.Count
            ? Describe(command, expected, real.Select(x => x.Line), $"the real output goes on past the document's last line: {string.Join(" | ", real.Skip(at).Select(x => x.Line))}")
            : null;
    }

    private static int Find(List<string> real, List<string> segment, int from, bool anchored)
    {
        for (var start = from; start + segment.Count <= real.Count; start++)
        {
            if (segment.Select((l, i) => real[start + i] == l).All(x => x))
            {
                return start;
            }

            if (anchored)
            {
                return -1;
            }
        }

        return -1;
    }

    private static string Describe(DocCommand command, IEnumerable<string> expected, IEnumerable<string> real, string problem) =>
        $"{command.Where} ({command.Command ?? "the session continues"}) does not match the real output; {problem}\n" +
        $"--- document (normalised)\n{string.Join('\n', expected)}\n--- real output (normalised)\n{string.Join('\n', real)}";

    [GeneratedRegex(@"(?<prefix>localhost:|port :)(?<port>\d+)")]
    private static partial Regex Port();

    [GeneratedRegex(@"\d{4}[/-]\d{2}[/-]\d{2} \d{2}:\d{2}:\d{2}|\d{2}:\d{2}:\d{2}\.\d{3}")]
    private static partial Regex Time();

    [GeneratedRegex(@"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b")]
    private static partial Regex HexId();

    [GeneratedRegex(@"\d+(?:\.\d+)?")]
    private static partial Regex Number();

    [GeneratedRegex(@"#(?:, #)+")]
    private static partial Regex NumberList();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
