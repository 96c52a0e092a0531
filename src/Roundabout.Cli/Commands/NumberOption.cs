using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Roundabout.Cli.Commands;

/// <summary>
/// Whole-number options with one grammar (optional sign, ASCII digits) and a range, parsed where
/// they enter: a bad value is a parse error that names the option and the expected form.
/// </summary>
internal static class NumberOption
{
    public static Option<int> Int(string name, string[] aliases, int min, int max, int defaultValue, string description) => new(name, aliases)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r => (int)(Parse(r, name, min, max) ?? defaultValue),
    };

    public static Option<int?> OptionalInt(string name, string[] aliases, int min, int max, string description) => new(name, aliases)
    {
        Description = description,
        CustomParser = r => (int?)Parse(r, name, min, max),
    };

    public static Option<long?> OptionalLong(string name, string[] aliases, long min, long max, string description) => new(name, aliases)
    {
        Description = description,
        CustomParser = r => Parse(r, name, min, max),
    };

    private static long? Parse(ArgumentResult result, string name, long min, long max)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} takes a whole number from {min} to {max}; got '{text}'."));
        return null;
    }
}
