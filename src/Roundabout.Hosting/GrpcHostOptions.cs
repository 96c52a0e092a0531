using System.Net;
using Roundabout.Hosting.Telemetry;

namespace Roundabout.Hosting;

/// <summary>Where and as what a gRPC component listens.</summary>
public sealed class GrpcHostOptions
{
    /// <summary>The log tag for framework messages, such as "Registry".</summary>
    public required string Component { get; init; }

    /// <summary>The interface to bind. Loopback unless the user opens others with --listen.</summary>
    public IPAddress Listen { get; init; } = IPAddress.Loopback;

    /// <summary>The port; 0 picks a free one (tests).</summary>
    public int Port { get; init; }

    /// <summary>The largest message the component accepts, in bytes.</summary>
    public int MaxReceiveMessageSize { get; init; } = 1024 * 1024;

    /// <summary>Metrics and traces: off unless a metrics port or an OTLP endpoint is given.</summary>
    public TelemetryOptions Telemetry { get; init; } = new();
}
