using Microsoft.Extensions.Logging;

namespace Roundabout.Hosting;

/// <summary>A process's log format and level, chosen with --log-format and --log-level.</summary>
public sealed record LogSettings(LogFormat Format = LogFormat.Text, LogLevel Minimum = LogLevel.Information)
{
    /// <summary>The level names --log-level takes, in order of verbosity.</summary>
    public const string LevelNames = "trace, debug, information, warning, error, critical or none";

    /// <summary>
    /// The level for a framework category (ASP.NET Core, gRPC, HttpClient) whose usual floor is
    /// <paramref name="usualFloor"/>: their chatter stays out of the exercise's output, unless
    /// the user asks for debug or trace, which means everything.
    /// </summary>
    public LogLevel FrameworkMinimum(LogLevel usualFloor) =>
        Minimum <= LogLevel.Debug ? Minimum : (LogLevel)Math.Max((int)Minimum, (int)usualFloor);

    /// <summary>Reads a level name (the usual short forms too: info, warn, err, crit); case does not matter.</summary>
    public static LogLevel? ParseLevel(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "information" or "info" => LogLevel.Information,
        "warning" or "warn" => LogLevel.Warning,
        "error" or "err" => LogLevel.Error,
        "critical" or "crit" => LogLevel.Critical,
        "none" => LogLevel.None,
        _ => null,
    };

    /// <summary>The name --log-level shows for a level.</summary>
    public static string LevelName(LogLevel level) => level.ToString().ToLowerInvariant();

    /// <summary>Reads text or json; case does not matter.</summary>
    public static LogFormat? ParseFormat(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "text" => LogFormat.Text,
        "json" => LogFormat.Json,
        _ => null,
    };
}
