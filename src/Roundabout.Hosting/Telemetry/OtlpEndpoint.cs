namespace Roundabout.Hosting.Telemetry;

/// <summary>
/// The standard OpenTelemetry variables: traces are exported (OTLP) only when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or its traces-only form) is set; the exporter itself reads
/// the endpoint, the protocol and the headers from the environment.
/// </summary>
public static class OtlpEndpoint
{
    public const string Variable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public const string TracesVariable = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";

    public static bool IsConfigured =>
        !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable))
        || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(TracesVariable));
}
