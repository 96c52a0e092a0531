using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Roundabout.Hosting;

/// <summary>
/// The console formatter of <c>--log-format json</c>: one object per line (<see cref="JsonLogLine"/>),
/// with the component's name in each, which .NET's own JSON formatter has no place for, and the
/// trace and span ids of the operation it was written in. The console logger formats on the
/// caller's thread, so <see cref="Activity.Current"/> is the caller's.
/// </summary>
public sealed class JsonLogFormatter(IOptionsMonitor<ExerciseLogFormatterOptions> options)
    : RoundaboutConsoleFormatter(FormatterName, options)
{
    public const string FormatterName = "roundabout-json";

    protected override string FormatEntry<TState>(in LogEntry<TState> logEntry, string message, string tag, TimeProvider time) =>
        JsonLogLine.Format(time.GetUtcNow(), tag, logEntry.Category, logEntry.LogLevel, logEntry.EventId, message, logEntry.Exception, logEntry.State, Activity.Current);
}
