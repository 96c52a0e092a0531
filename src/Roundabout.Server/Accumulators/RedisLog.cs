using Microsoft.Extensions.Logging;

namespace Roundabout.Server;

/// <summary>The server's log lines about its Redis store (event ids 100 and up).</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Warning, "Lost the connection to Redis at {Endpoint} ({Failure}); reconnecting")]
    public static partial void RedisConnectionFailed(ILogger logger, string endpoint, string failure);

    [LoggerMessage(101, LogLevel.Information, "Connection to Redis at {Endpoint} restored")]
    public static partial void RedisConnectionRestored(ILogger logger, string endpoint);
}
