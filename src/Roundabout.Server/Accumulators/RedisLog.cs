using Microsoft.Extensions.Logging;

namespace Roundabout.Server;

/// <summary>The server's log lines about its Redis store (event ids 100 and up).</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Warning, "Lost the connection to Redis at {Endpoint} ({Failure}); reconnecting")]
    public static partial void RedisConnectionFailed(ILogger logger, string endpoint, string failure);

    [LoggerMessage(101, LogLevel.Information, "Connection to Redis at {Endpoint} restored after {Duration}")]
    public static partial void RedisConnectionRestored(ILogger logger, string endpoint, string duration);

    [LoggerMessage(102, LogLevel.Warning, "Redis at {Endpoint} unreachable for {Duration}, {Attempts} attempts ({Failure}); still reconnecting")]
    public static partial void RedisStillUnreachable(ILogger logger, string endpoint, string duration, int attempts, string failure);
}
