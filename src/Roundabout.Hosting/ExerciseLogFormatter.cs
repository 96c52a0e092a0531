using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Roundabout.Contracts;

namespace Roundabout.Hosting;

/// <summary>
/// Writes the exercise's one-line format: <c>2026/01/17 20:04:16 [Registry] message</c>.
/// Warnings and errors say so after the tag, and an exception adds its message (not its stack).
/// A line is always one line: control characters in a message (which may carry a client's text)
/// are shown escaped, as <c>\n</c> or <c>\u0000</c>, so nobody can forge a log line.
/// </summary>
public sealed class ExerciseLogFormatter(IOptionsMonitor<ExerciseLogFormatterOptions> options)
    : RoundaboutConsoleFormatter(FormatterName, options)
{
    public const string FormatterName = "roundabout";

    protected override string FormatEntry<TState>(in LogEntry<TState> logEntry, string message, string tag, TimeProvider time) =>
        FormatLine(time.GetLocalNow(), tag, logEntry.LogLevel, message, logEntry.Exception);

    /// <summary>One log line without its newline.</summary>
    public static string FormatLine(DateTimeOffset time, string tag, LogLevel level, string message, Exception? exception)
    {
        var severity = level switch
        {
            LogLevel.Warning => "Warning: ",
            LogLevel.Error => "Error: ",
            LogLevel.Critical => "Critical: ",
            _ => string.Empty,
        };
        var line = $"{time:yyyy'/'MM'/'dd HH':'mm':'ss} [{tag}] {severity}{PrintableText.Escape(message)}";
        return exception is null ? line : $"{line} ({exception.GetType().Name}: {PrintableText.Escape(exception.Message)})";
    }

}

public sealed class ExerciseLogFormatterOptions : ConsoleFormatterOptions
{
    /// <summary>The tag of log lines whose category is outside Roundabout's components.</summary>
    public string DefaultTag { get; set; } = "Roundabout";

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
