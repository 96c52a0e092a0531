using System.CommandLine;
using System.CommandLine.Parsing;
using Microsoft.Extensions.Logging;
using Roundabout.Hosting;

namespace Roundabout.Cli.Commands;

/// <summary>--log-format and --log-level, which every command has.</summary>
internal sealed class LogOptions
{
    private readonly LogLevel _defaultLevel;

    private LogOptions(LogLevel defaultLevel)
    {
        var defaultName = LogSettings.LevelName(defaultLevel);
        // No DefaultValueFactory: the help would print the enum's name ("Text"); the description gives the default.
        _defaultLevel = defaultLevel;
        Format = new Option<LogFormat?>("--log-format")
        {
            Description = "How log lines are written: text (the exercise's one-line format) or json (one object per line, " +
                "with Timestamp, LogLevel, Category, Component and Message, for log collectors). Default: text.",
            HelpName = "text|json",
            CustomParser = r => LogSettings.ParseFormat(Single(r)) ?? Fail<LogFormat?>(r, null, $"--log-format takes text or json; got '{Single(r)}'."),
        };
        Level = new Option<LogLevel?>("--log-level")
        {
            Description = $"The least severe log lines written: {LogSettings.LevelNames}. Default: {defaultName}.",
            HelpName = "level",
            CustomParser = r => LogSettings.ParseLevel(Single(r)) ?? Fail<LogLevel?>(r, null, $"--log-level takes {LogSettings.LevelNames}; got '{Single(r)}'."),
        };
    }

    public Option<LogFormat?> Format { get; }

    public Option<LogLevel?> Level { get; }

    /// <summary>For the registry, the database, the servers and up: the exercise's Information lines by default.</summary>
    public static LogOptions ForComponent() => new(LogLevel.Information);

    /// <summary>For the client commands, whose output is their result: warnings and errors only by default.</summary>
    public static LogOptions ForClient() => new(LogLevel.Warning);

    public void AddTo(Command command)
    {
        command.Options.Add(Format);
        command.Options.Add(Level);
    }

    public LogSettings Read(ParseResult result) => new(result.GetValue(Format) ?? LogFormat.Text, result.GetValue(Level) ?? _defaultLevel);

    /// <summary>The options as given to this process (on its command line or in its environment), to hand on to child processes.</summary>
    public IEnumerable<string> GivenArguments(ParseResult result)
    {
        if (result.GetValue(Format) is { } format)
        {
            yield return Format.Name;
            yield return format.ToString().ToLowerInvariant();
        }

        if (result.GetValue(Level) is { } level)
        {
            yield return Level.Name;
            yield return LogSettings.LevelName(level);
        }
    }

    private static string Single(ArgumentResult result) => result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;

    private static T Fail<T>(ArgumentResult result, T fallback, string error)
    {
        result.AddError(error);
        return fallback;
    }
}
