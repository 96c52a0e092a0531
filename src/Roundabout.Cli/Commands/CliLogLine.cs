using Microsoft.Extensions.Logging;
using Roundabout.Hosting;

namespace Roundabout.Cli.Commands;

/// <summary>
/// A line the CLI writes itself rather than through a host's logger (a start-up failure, what
/// <c>up</c> says, a change that <c>servers --watch</c> prints), in the same format as the hosts'
/// lines: the one place its shape and its clock are chosen.
/// </summary>
internal static class CliLogLine
{
    /// <param name="component">The name in the line: "Registry", "Roundabout", "Client".</param>
    /// <param name="category">The JSON line's Category (the text line has none).</param>
    public static string Format(TimeProvider time, LogFormat format, string component, string category, LogLevel level, string message) =>
        format == LogFormat.Json
            ? JsonLogLine.Format(time.GetUtcNow(), component, category, level, default, message, exception: null, state: null)
            : ExerciseLogFormatter.FormatLine(time.GetLocalNow(), component, level, message, exception: null);
}
