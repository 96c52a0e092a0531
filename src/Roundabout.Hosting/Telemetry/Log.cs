using Microsoft.Extensions.Logging;

namespace Roundabout.Hosting.Telemetry;

/// <summary>The telemetry setup's messages, with stable event ids (9200 to 9299 of the host's range, <see cref="Contracts.LogEventIds"/>).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 9201, Level = LogLevel.Information, Message = "Metrics at http://{Host}:{Port}/metrics")]
    public static partial void MetricsServed(ILogger logger, string host, int port);
}
