using System.Runtime.CompilerServices;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Roundabout.Cli.Commands;
using Roundabout.Client.Telemetry;
using Roundabout.Hosting.Telemetry;

namespace Roundabout.Cli.ClientSetup;

/// <summary>
/// The client commands' telemetry: with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, every call's span
/// (and its gRPC attempts beneath it) and the client's metrics go to that collector, and each call
/// carries its trace context to the server. Without it the SDK is not even loaded.
/// </summary>
internal static class ClientTelemetrySetup
{
    /// <summary>The providers to dispose when the command ends (which flushes them), or null when telemetry is off.</summary>
    public static IDisposable? StartIfConfigured() => OtlpEndpoint.IsConfigured ? Start() : null;

    // Kept out of line, and typed IDisposable, so that the SDK's assemblies load only when
    // telemetry is on (a signature naming Providers would load them to lay out its fields).
#pragma warning disable CA1859
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IDisposable Start()
    {
        var resource = TelemetrySetup.Describe(ResourceBuilder.CreateDefault(), "Client");
        var tracer = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(ClientTelemetry.ActivitySourceName)
            .AddGrpcClientInstrumentation()
            .AddOtlpExporter()
            .Build();
        var meter = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(ClientTelemetry.MeterName)
            .AddOtlpExporter()
            .Build();
        return new Providers(tracer, meter);
    }
#pragma warning restore CA1859

    private sealed class Providers(TracerProvider tracer, MeterProvider meter) : IDisposable
    {
        public void Dispose()
        {
            tracer.Dispose();
            meter.Dispose();
        }
    }
}
