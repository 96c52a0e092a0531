using System.Globalization;

namespace Roundabout.EndToEnd.Tests;

/// <summary>Reads samples out of a Prometheus text exposition.</summary>
internal static class PrometheusText
{
    /// <summary>
    /// The sum of every sample of <paramref name="name"/> whose labels include each of
    /// <paramref name="labels"/> (written as <c>key="value"</c>); null when there is no such sample.
    /// </summary>
    public static double? Sum(string text, string name, params string[] labels)
    {
        double? total = null;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || !(line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal)))
            {
                continue;
            }

            var labelEnd = line.LastIndexOf('}');
            var labelText = labelEnd < 0 ? string.Empty : line[..labelEnd];
            if (labels.All(label => labelText.Contains(label, StringComparison.Ordinal)))
            {
                var value = line[(line.LastIndexOf(' ') + 1)..];
                total = (total ?? 0) + double.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }
}
