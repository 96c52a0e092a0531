using Microsoft.Extensions.Logging;

namespace Roundabout.Hosting.Telemetry;

/// <summary>The telemetry setup's messages, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Metrics at http://{Host}:{Port}/metrics")]
    public static partial void MetricsServed(ILogger logger, string host, int port);
}
