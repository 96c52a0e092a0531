using Microsoft.Extensions.Logging;

namespace Roundabout.Server;

/// <summary>The server's log lines about its Redis store (event ids 3100 to 3199 of the server's range, <see cref="Contracts.LogEventIds"/>).</summary>
internal static partial class Log
{
    [LoggerMessage(3101, LogLevel.Warning, "Lost the connection to Redis at {Endpoint} ({Failure}); reconnecting")]
    public static partial void RedisConnectionFailed(ILogger logger, string endpoint, string failure);

    [LoggerMessage(3102, LogLevel.Information, "Connection to Redis at {Endpoint} restored after {Duration}")]
    public static partial void RedisConnectionRestored(ILogger logger, string endpoint, string duration);

    [LoggerMessage(3103, LogLevel.Warning, "Redis at {Endpoint} unreachable for {Duration}, {Attempts} attempts ({Failure}); still reconnecting")]
    public static partial void RedisStillUnreachable(ILogger logger, string endpoint, string duration, int attempts, string failure);
}
