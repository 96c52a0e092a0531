using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Roundabout.Hosting.Telemetry;

/// <summary>
/// Wires the OpenTelemetry SDK into a component, only when asked: with neither a metrics port nor
/// an OTLP endpoint, nothing of it is registered, so the request path carries no listener at all.
/// </summary>
public static class TelemetrySetup
{
    /// <summary>The path of the Prometheus text on the metrics port.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The meter of the HTTP client that gRPC channels use (their request durations).</summary>
    private const string HttpClientMeter = "System.Net.Http";

    /// <summary>The ASP.NET Core instrumentation's switch for its gRPC server spans.</summary>
    private const string GrpcServerSpansSetting = "OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_ENABLE_GRPC_INSTRUMENTATION";

    internal static void AddTelemetry(WebApplicationBuilder builder, string component, IPAddress listen, TelemetryOptions options)
    {
        if (!options.Enabled)
        {
            return;
        }

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new TelemetryListen(listen));
        var otel = builder.Services.AddOpenTelemetry().ConfigureResource(resource => Describe(resource, component));
        if (options.MetricsPort is not null)
        {
            otel.WithMetrics(metrics => metrics
                .AddMeter([.. options.Meters, HttpClientMeter])
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        }

        if (options.Tracing)
        {
            var traceRenewals = options.Traced?.TraceRenewals ?? RenewalTracing.FromEnvironment();
            builder.Services.AddSingleton(new RenewalTracing.Choice(traceRenewals));
            // Server spans with the rpc.* attributes of the gRPC method they serve: the
            // instrumentation's own gRPC support, which it turns on by this setting. GrpcSpanNames
            // then names them by that method rather than "POST /...".
            builder.Configuration.AddInMemoryCollection([new(GrpcServerSpansSetting, "true")]);
            otel.WithTracing(tracing =>
            {
                tracing
                    .AddSource([.. options.ActivitySources])
                    // Health probes and scrapes are noise in a trace of the calculation path; so
                    // are lease renewals, a trace a second per server, unless asked for.
                    // The instrumentation's options are shared by every host in the process (the
                    // first one's filter wins), so the filter asks the serving host's own choice.
                    .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = context => !IsProbe(context) && !RenewalTracing.LeftOut(context))
                    .AddGrpcClientInstrumentation()
                    .AddProcessor(new GrpcSpanNames());
                if (!traceRenewals)
                {
                    tracing.ConfigureSampler((_, sampler) => new RenewalSampler(sampler));
                }

                if (OtlpEndpoint.IsConfigured)
                {
                    tracing.AddOtlpExporter();
                }

                options.ConfigureTracing?.Invoke(tracing);
                options.Traced?.Export?.Invoke(tracing);
            });
        }
    }

    /// <summary>The resource every exported span and metric carries: the component, and the instance <c>up</c> gave it.</summary>
    public static ResourceBuilder Describe(ResourceBuilder resource, string component) =>
        resource.AddService(
            serviceName: "roundabout-" + component.ToLowerInvariant(),
            serviceNamespace: "roundabout",
            serviceInstanceId: Environment.GetEnvironmentVariable(GrpcHost.InstanceVariable) is { Length: > 0 } instance ? instance : null,
            autoGenerateServiceInstanceId: true);

    internal static void MapTelemetry(WebApplication app)
    {
        if (app.Services.GetService<TelemetryOptions>() is not { MetricsPort: not null })
        {
            return;
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TelemetrySetup).FullName!);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (app.GetMetricsPort() is { } port)
            {
                var host = UrlHost(app);
                Log.MetricsServed(logger, host, port);
            }
        });

        app.Use(GrpcStatusTag.AddAsync);
        // The gRPC port speaks HTTP/2 only and the metrics port HTTP/1.1 only, so the protocol
        // tells the two apart even when either was bound to port 0. The metrics port serves
        // /metrics and nothing else: no gRPC service is reachable through it.
        app.MapWhen(context => !HttpProtocol.IsHttp2(context.Request.Protocol), metricsPort =>
        {
            metricsPort.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Request.Path == MetricsPath);
            metricsPort.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return context.Response.WriteAsync($"Not found: this port serves only {MetricsPath}.\n");
            });
        });
    }

    /// <summary>The host of the metrics URL: the --listen address, or loopback when listening on every interface.</summary>
    private static string UrlHost(WebApplication app)
    {
        var listen = app.Services.GetRequiredService<TelemetryListen>().Address;
        var host = listen.Equals(IPAddress.Any) ? IPAddress.Loopback : listen.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : listen;
        return host.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{host}]" : host.ToString();
    }

    private static bool IsProbe(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/grpc.health.v1.Health", StringComparison.Ordinal)
        || context.Request.Path.StartsWithSegments("/grpc.reflection", StringComparison.Ordinal)
        || context.Request.Path == MetricsPath;
}

/// <summary>The interface the metrics endpoint listens on (for the URL it logs).</summary>
internal sealed record TelemetryListen(IPAddress Address);
