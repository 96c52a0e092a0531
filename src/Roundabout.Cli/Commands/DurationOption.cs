using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Roundabout.Cli.Commands;

/// <summary>
/// Duration options, parsed where they enter with the one grammar of <see cref="DurationText"/>
/// and a limit per option: a bad value is a parse error that names the option, the form and the
/// limit. No default value in the parser (the help would print a TimeSpan as 00:00:05): the
/// description says the default, and the command applies it.
/// </summary>
internal static class DurationOption
{
    public static Option<TimeSpan?> Create(string name, string[] aliases, TimeSpan max, string description) => new(name, aliases)
    {
        Description = description,
        CustomParser = r => Parse(r, name, max),
    };

    private static TimeSpan? Parse(ArgumentResult result, string name, TimeSpan max)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (DurationText.TryParse(text, out var duration) && duration <= max)
        {
            return duration;
        }

        result.AddError($"{name} takes a duration such as 5s, 500ms, 1.5s or 2m, at most {Limit(max)}; got '{text}'.");
        return null;
    }

    private static string Limit(TimeSpan max) => max.TotalHours >= 1 && max.TotalHours % 1 == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{max.TotalHours:0}h")
        : string.Create(CultureInfo.InvariantCulture, $"{max.TotalSeconds:0.###}s");
}
