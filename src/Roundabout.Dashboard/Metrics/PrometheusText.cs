using System.Globalization;
using System.Text;

namespace Roundabout.Dashboard.Metrics;

/// <summary>One sample line of the Prometheus text format: a name, its labels and a value.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// A reader of the Prometheus text exposition format (and the OpenMetrics text that exporters
/// also serve): comments and blank lines are skipped, label values are unescaped, a trailing
/// timestamp is ignored. A line it cannot read is skipped, not fatal: one odd metric must not
/// hide the others.
/// </summary>
internal static class PrometheusText
{
    /// <summary>The samples of <paramref name="text"/>; with <paramref name="namePrefix"/>, only those whose line starts with it (the rest are not parsed at all).</summary>
    public static IEnumerable<PrometheusSample> Parse(string text, string? namePrefix = null)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#' || (namePrefix is not null && !line.StartsWith(namePrefix, StringComparison.Ordinal)))
            {
                continue;
            }

            if (TryParseLine(line, out var sample))
            {
                yield return sample;
            }
        }
    }

    internal static bool TryParseLine(string line, out PrometheusSample sample)
    {
        sample = null!;
        var i = 0;
        while (i < line.Length && line[i] != '{' && !char.IsWhiteSpace(line[i]))
        {
            i++;
        }

        var name = line[..i];
        if (name.Length == 0)
        {
            return false;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                SkipSpaces(line, ref i);
                if (i >= line.Length)
                {
                    return false;
                }

                if (line[i] == '}')
                {
                    i++;
                    break;
                }

                var start = i;
                while (i < line.Length && line[i] != '=' && line[i] != '}' && !char.IsWhiteSpace(line[i]))
                {
                    i++;
                }

                var labelName = line[start..i];
                SkipSpaces(line, ref i);
                if (i >= line.Length || line[i] != '=' || labelName.Length == 0)
                {
                    return false;
                }

                i++;
                SkipSpaces(line, ref i);
                if (!TryReadQuoted(line, ref i, out var labelValue))
                {
                    return false;
                }

                labels[labelName] = labelValue;
                SkipSpaces(line, ref i);
                if (i < line.Length && line[i] == ',')
                {
                    i++;
                }
            }
        }

        var rest = line[i..].Trim();
        var space = rest.IndexOfAny([' ', '\t']);
        var valueText = space < 0 ? rest : rest[..space];
        if (!TryParseValue(valueText, out var value))
        {
            return false;
        }

        sample = new PrometheusSample(name, labels, value);
        return true;
    }

    private static bool TryParseValue(string text, out double value)
    {
        switch (text)
        {
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    private static bool TryReadQuoted(string line, ref int i, out string value)
    {
        value = string.Empty;
        if (i >= line.Length || line[i] != '"')
        {
            return false;
        }

        i++;
        var text = new StringBuilder();
        while (i < line.Length)
        {
            var c = line[i++];
            if (c == '"')
            {
                value = text.ToString();
                return true;
            }

            if (c == '\\' && i < line.Length)
            {
                var escaped = line[i++];
                text.Append(escaped switch { 'n' => '\n', _ => escaped });
            }
            else
            {
                text.Append(c);
            }
        }

        return false;
    }

    private static void SkipSpaces(string line, ref int i)
    {
        while (i < line.Length && char.IsWhiteSpace(line[i]))
        {
            i++;
        }
    }
}
