using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Roundabout.Hosting;

namespace Roundabout.Hosting.Tests.Telemetry;

/// <summary>
/// A logger provider that writes every entry through the host's own <see cref="JsonLogFormatter"/>
/// (as <c>--log-format json</c> does on the console, on the caller's thread) and keeps the lines.
/// </summary>
internal sealed class JsonLogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    private ConsoleFormatter? _formatter;

    /// <summary>The lines so far, parsed.</summary>
    public IReadOnlyList<JsonElement> Lines => [.. _lines.Select(line => JsonDocument.Parse(line).RootElement)];

    /// <summary>This sink as the host's logger provider, formatting with the host's JSON formatter.</summary>
    public ILoggerProvider Attach(IEnumerable<ConsoleFormatter> formatters)
    {
        _formatter = formatters.OfType<JsonLogFormatter>().Single();
        return this;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(JsonLogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            using var writer = new StringWriter();
            sink._formatter!.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), null, writer);
            if (writer.ToString().TrimEnd('\n') is { Length: > 0 } line)
            {
                sink._lines.Enqueue(line);
            }
        }
    }
}
