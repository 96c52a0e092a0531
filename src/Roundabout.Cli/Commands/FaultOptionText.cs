using System.CommandLine;
using System.Globalization;
using Roundabout.Server.Faults;

namespace Roundabout.Cli.Commands;

/// <summary>
/// <c>--inject-latency</c> and <c>--inject-errors</c>, parsed where they enter: a delay such as
/// <c>200ms</c> (every call) or <c>2s@0.1</c> (a tenth of the calls), and a share from 0 to 1.
/// </summary>
internal static class FaultOptionText
{
    public const string LatencyForm = "--inject-latency takes a delay up to 1m, for every call (200ms) or for a share of the calls (2s@0.1: one call in ten)";

    public static Option<InjectedLatency?> Latency() => new("--inject-latency")
    {
        Description = "For learning only: delay Calculator calls on purpose, all of them (200ms) or a share of them (2s@0.1 delays one call in ten by 2 s). " +
            "Announced in a warning at start and registered as metadata faults=latency:... Off by default.",
        CustomParser = r =>
        {
            var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty;
            if (TryParseLatency(text, out var latency))
            {
                return latency;
            }

            r.AddError($"{LatencyForm}; got '{text}'.");
            return null;
        },
    };

    public static Option<double> Errors() => new("--inject-errors")
    {
        Description = "For learning only: fail this share of Calculator calls (0 to 1, for example 0.05) with Unavailable, " +
            "whose message says the fault was injected. Announced at start and registered as metadata faults=errors:... Off by default.",
        CustomParser = r =>
        {
            var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty;
            if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate) && rate is >= 0 and <= 1)
            {
                return rate;
            }

            r.AddError($"--inject-errors takes a share of calls from 0 to 1, such as 0.05; got '{text}'.");
            return 0;
        },
    };

    public static bool TryParseLatency(string? text, out InjectedLatency? latency)
    {
        latency = null;
        var parts = (text ?? string.Empty).Split('@');
        if (parts.Length > 2 || !DurationText.TryParse(parts[0], out var delay) || delay > FaultOptions.MaxLatency)
        {
            return false;
        }

        var fraction = 1.0;
        if (parts.Length == 2 &&
            (!double.TryParse(parts[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out fraction) || fraction is <= 0 or > 1))
        {
            return false;
        }

        latency = new InjectedLatency(delay.Value, fraction);
        return true;
    }
}
