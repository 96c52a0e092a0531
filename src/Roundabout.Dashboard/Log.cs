using Microsoft.Extensions.Logging;

namespace Roundabout.Dashboard;

/// <summary>The dashboard's log messages, with stable event ids (8000 to 8999, <see cref="Contracts.LogEventIds"/>).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Dashboard running on {Url} (registry {Registry}, database {Database})")]
    public static partial void Running(ILogger logger, string url, string registry, string database);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "Watching the registry at {Registry}")]
    public static partial void RegistryWatching(ILogger logger, string registry);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Warning, Message = "The registry at {Registry} is unreachable ({Error}); trying again in {Seconds} s")]
    public static partial void RegistryUnreachable(ILogger logger, string registry, string error, double seconds);
}
