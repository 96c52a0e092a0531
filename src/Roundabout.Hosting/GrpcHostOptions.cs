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

    /// <summary>The log format and level (--log-format, --log-level).</summary>
    public LogSettings Log { get; init; } = new();

    /// <summary>The largest message the component accepts, in bytes.</summary>
    public int MaxReceiveMessageSize { get; init; } = 1024 * 1024;

    /// <summary>HTTP/2 over TLS with this certificate; null serves cleartext HTTP/2.</summary>
    public ServerTls? Tls { get; init; }

    /// <summary>
    /// True when callers must prove who they are (a token, or a client certificate under mutual
    /// TLS). A component that listens beyond loopback without it warns at start.
    /// </summary>
    public bool CallersAuthenticated { get; init; }

    /// <summary>What to do about open access, ending the warning (such as "set --token ...").</summary>
    public string OpenAccessAdvice { get; init; } = "require client certificates with --tls-client-ca, or listen on 127.0.0.1 only.";

    /// <summary>True when the warning about open access applies.</summary>
    public bool IsOpenBeyondLoopback => !IPAddress.IsLoopback(Listen) && !CallersAuthenticated && Tls?.ClientCa is null;

    /// <summary>Metrics and traces: off unless a metrics port or an OTLP endpoint is given.</summary>
    public TelemetryOptions Telemetry { get; init; } = new();
}
