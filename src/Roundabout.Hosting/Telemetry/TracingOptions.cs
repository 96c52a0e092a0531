using OpenTelemetry.Trace;

namespace Roundabout.Hosting.Telemetry;

/// <summary>
/// Tracing turned on in code rather than by the environment (tests, an embedding application):
/// spans go to <see cref="Export"/>'s exporters, and to OTLP as well when its endpoint is set.
/// </summary>
public sealed class TracingOptions
{
    /// <summary>Adds the exporters (an in-memory one, say) to the component's tracer.</summary>
    public Action<TracerProviderBuilder>? Export { get; init; }

    /// <summary>Traces lease renewals too; null reads <see cref="RenewalTracing.Variable"/>.</summary>
    public bool? TraceRenewals { get; init; }
}
