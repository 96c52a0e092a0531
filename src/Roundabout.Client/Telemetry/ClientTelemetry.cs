using System.Diagnostics;

namespace Roundabout.Client.Telemetry;

/// <summary>
/// The names under which the client reports, for an application that wires the OpenTelemetry SDK
/// (the client itself depends only on System.Diagnostics): its meter, and its activity source,
/// whose span covers one logical call, every attempt and failover included.
/// </summary>
public static class ClientTelemetry
{
    /// <summary>The meter of the client's instruments: subscribe to it to collect them.</summary>
    public const string MeterName = "Roundabout.Client";

    /// <summary>The activity source of the client's call spans.</summary>
    public const string ActivitySourceName = "Roundabout.Client";

    internal static ActivitySource Source { get; } = new(ActivitySourceName);
}
