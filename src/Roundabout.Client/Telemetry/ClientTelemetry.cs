using System.Diagnostics;

namespace Roundabout.Client.Telemetry;

/// <summary>
/// The names under which the client reports, for an application that wires the OpenTelemetry SDK
/// (the client itself depends only on System.Diagnostics): its meter, and its activity source,
/// whose span covers one logical call, every attempt and failover included.
/// </summary>
public static class ClientTelemetry
{
    public const string MeterName = "Roundabout.Client";

    public const string ActivitySourceName = "Roundabout.Client";

    internal static ActivitySource Source { get; } = new(ActivitySourceName);
}
