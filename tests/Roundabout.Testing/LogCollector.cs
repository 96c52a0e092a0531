using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Roundabout.Testing;

/// <summary>A log sink that keeps the Warning (and worse) messages of every host it is added to, and counts the Error and Critical ones.</summary>
public sealed class LogCollector : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();
    private int _errors;

    public IReadOnlyList<string> Messages => _messages.ToArray();

    /// <summary>Error and Critical messages so far.</summary>
    public int Errors => Volatile.Read(ref _errors);

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCollector collector) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                collector._messages.Enqueue(formatter(state, exception));
                if (logLevel >= LogLevel.Error)
                {
                    Interlocked.Increment(ref collector._errors);
                }
            }
        }
    }
}
