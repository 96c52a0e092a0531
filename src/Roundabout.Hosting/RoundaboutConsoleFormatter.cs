using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Roundabout.Hosting;

/// <summary>
/// What Roundabout's two console formats share: the options (kept current when they reload),
/// entries with neither message nor exception skipped, and one line per entry, tagged with the
/// component the entry's category belongs to.
/// </summary>
public abstract class RoundaboutConsoleFormatter : ConsoleFormatter, IDisposable
{
    private readonly IDisposable? _reload;
    private ExerciseLogFormatterOptions _options;

    protected RoundaboutConsoleFormatter(string name, IOptionsMonitor<ExerciseLogFormatterOptions> options)
        : base(name)
    {
        _options = options.CurrentValue;
        _reload = options.OnChange(o => _options = o);
    }

    public sealed override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }

        var options = _options;
        textWriter.Write(FormatEntry(logEntry, message, ComponentTag.For(logEntry.Category, options.DefaultTag), options.TimeProvider));
        textWriter.Write('\n');
    }

    /// <summary>The entry as one line, without its newline.</summary>
    protected abstract string FormatEntry<TState>(in LogEntry<TState> logEntry, string message, string tag, TimeProvider time);

    public void Dispose()
    {
        _reload?.Dispose();
        GC.SuppressFinalize(this);
    }
}
