using OpenTelemetry.Trace;

namespace Roundabout.Hosting.Telemetry;

/// <summary>What a component reports: its metrics on a Prometheus endpoint, its traces to an OTLP collector.</summary>
public sealed class TelemetryOptions
{
    /// <summary>The HTTP/1.1 port that serves <c>/metrics</c>; null leaves metrics off (0 picks a free port, for tests).</summary>
    public int? MetricsPort { get; init; }

    /// <summary>The component's own meters, such as <c>Roundabout.Registry</c>.</summary>
    public IReadOnlyList<string> Meters { get; init; } = [];

    /// <summary>The component's own activity sources, traced when an OTLP endpoint is set.</summary>
    public IReadOnlyList<string> ActivitySources { get; init; } = [];

    /// <summary>Adds instrumentation of the component's own (such as its Redis connection) to the tracer.</summary>
    public Action<TracerProviderBuilder>? ConfigureTracing { get; init; }

    /// <summary>Tracing asked for in code (tests): on, with these exporters, even without an OTLP endpoint.</summary>
    public TracingOptions? Traced { get; init; }

    /// <summary>True when traces are exported: the standard OTLP endpoint variable is set, or <see cref="Traced"/> is.</summary>
    public bool Tracing => OtlpEndpoint.IsConfigured || Traced is not null;

    /// <summary>True when the OpenTelemetry SDK runs at all. Off, nothing of it is registered.</summary>
    public bool Enabled => MetricsPort is not null || Tracing;
}
