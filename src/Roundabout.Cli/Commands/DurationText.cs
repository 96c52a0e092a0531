using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Roundabout.Cli.Commands;

/// <summary>
/// Durations as users type them: <c>500ms</c>, <c>5s</c>, <c>1.5s</c>, <c>2m</c>, <c>1h</c>, or a
/// plain number of seconds, in either case, more than 0 and at most a day. The one grammar of every
/// duration the command line takes (<see cref="DurationOption"/> adds a limit per option).
/// </summary>
public static class DurationText
{
    /// <summary>The longest duration any option takes.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(1);

    /// <summary>The duration, or null when the text is not one.</summary>
    public static TimeSpan? ParseOrNull(string? text) => TryParse(text, out var duration) ? duration : null;

    public static bool TryParse(string? text, [NotNullWhen(true)] out TimeSpan? duration)
    {
        duration = null;
        var trimmed = text?.Trim().ToLowerInvariant() ?? string.Empty;
        var (number, scale) = trimmed switch
        {
            _ when trimmed.EndsWith("ms", StringComparison.Ordinal) => (trimmed[..^2], 0.001),
            _ when trimmed.EndsWith('s') => (trimmed[..^1], 1.0),
            _ when trimmed.EndsWith('m') => (trimmed[..^1], 60.0),
            _ when trimmed.EndsWith('h') => (trimmed[..^1], 3600.0),
            _ => (trimmed, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) ||
            double.IsNaN(value) || value <= 0 || value * scale > Max.TotalSeconds)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(value * scale);
        return true;
    }
}
