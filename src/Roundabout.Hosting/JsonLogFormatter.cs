using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Roundabout.Hosting;

/// <summary>
/// The console formatter of <c>--log-format json</c>: one object per line (<see cref="JsonLogLine"/>),
/// with the component's name in each, which .NET's own JSON formatter has no place for.
/// </summary>
public sealed class JsonLogFormatter : ConsoleFormatter, IDisposable
{
    public const string FormatterName = "roundabout-json";

    private readonly IDisposable? _reload;
    private ExerciseLogFormatterOptions _options;

    public JsonLogFormatter(IOptionsMonitor<ExerciseLogFormatterOptions> options)
        : base(FormatterName)
    {
        _options = options.CurrentValue;
        _reload = options.OnChange(o => _options = o);
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }

        textWriter.Write(JsonLogLine.Format(
            _options.TimeProvider.GetUtcNow(),
            ComponentTag.For(logEntry.Category, _options.DefaultTag),
            logEntry.Category,
            logEntry.LogLevel,
            logEntry.EventId,
            message,
            logEntry.Exception,
            logEntry.State));
        textWriter.Write('\n');
    }

    public void Dispose() => _reload?.Dispose();
}
