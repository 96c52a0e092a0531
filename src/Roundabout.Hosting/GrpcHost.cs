using Grpc.AspNetCore.HealthChecks;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Roundabout.Hosting.Telemetry;

namespace Roundabout.Hosting;

/// <summary>Builds the web host every gRPC component runs on.</summary>
public static class GrpcHost
{
    /// <summary>The environment variable that gives a component its instance id (set by <c>roundabout up</c>).</summary>
    public const string InstanceVariable = "ROUNDABOUT_INSTANCE";

    /// <summary>The response header that carries the instance id, so a caller can tell which process answered.</summary>
    public const string InstanceHeader = "roundabout-instance";

    /// <summary>
    /// A builder with Kestrel on HTTP/2 (cleartext, or over TLS when the options carry a certificate) at the given interface and port, gRPC with
    /// bounded message sizes, the grpc.health.v1 health service, server reflection, and the
    /// exercise's log format; with a metrics port, a second endpoint on HTTP/1.1 serving
    /// <c>/metrics</c> (see <see cref="TelemetrySetup"/>).
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(GrpcHostOptions options, Action<GrpcServiceOptions>? configureGrpc = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.Listen, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (options.Tls is { } tls)
                {
                    // HTTP/2 over TLS: ALPN offers h2 only, as the endpoint speaks nothing else.
                    listen.UseHttps(HttpsOptions(tls, listen.ApplicationServices));
                }
            });
            if (options.Telemetry.MetricsPort is { } metricsPort)
            {
                // Bound second, so the server's addresses list the gRPC port first (GetBoundPort).
                kestrel.Listen(options.Listen, metricsPort, listen => listen.Protocols = HttpProtocols.Http1);
            }
        });
        builder.Logging.AddExerciseConsole(options.Component, options.Log);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.MaxReceiveMessageSize;
            grpc.EnableDetailedErrors = false;
            configureGrpc?.Invoke(grpc);
        });
        // The health service reports Unknown while it has no check; "alive" makes a running
        // component answer Serving. Components add checks of their own dependencies.
        builder.Services.AddGrpcHealthChecks().AddCheck("alive", () => HealthCheckResult.Healthy());
        builder.Services.AddGrpcReflection();
        builder.Services.AddSingleton(TimeProvider.System);
        if (options.IsOpenBeyondLoopback)
        {
            builder.Services.AddSingleton(options);
            builder.Services.AddHostedService<OpenAccessWarning>();
        }

        TelemetrySetup.AddTelemetry(builder, options.Component, options.Listen, options.Telemetry);
        return builder;
    }

    private static HttpsConnectionAdapterOptions HttpsOptions(ServerTls tls, IServiceProvider services)
    {
        var https = new HttpsConnectionAdapterOptions
        {
            ServerCertificate = tls.Certificate,
            ServerCertificateChain = tls.Intermediates,
            ClientCertificateMode = tls.ClientCa is null ? ClientCertificateMode.NoCertificate : ClientCertificateMode.RequireCertificate,
        };
        if (tls.ClientCa is not null)
        {
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Roundabout.Hosting");
            https.ClientCertificateValidation = (certificate, _, _) =>
            {
                // The platform's verdict is against the system store; ours is against --tls-client-ca.
                var trusted = tls.IsTrustedClient(certificate);
                if (!trusted)
                {
                    Log.ClientCertificateRefused(logger, certificate.Subject);
                }

                return trusted;
            };
        }

        return https;
    }

    /// <summary>
    /// Maps the health and reflection services. Call it after the component's own services: the
    /// health service then answers for the empty name and for the full name of every gRPC service
    /// mapped on this host (such as <c>roundabout.calculator.v1.Calculator</c>), each with the
    /// component's overall health.
    /// </summary>
    /// <param name="checkedServices">The component's own services: their requests are checked to be valid messages (<see cref="MalformedMessageCheck"/>).</param>
    public static WebApplication MapGrpcDefaults(this WebApplication app, params Google.Protobuf.Reflection.ServiceDescriptor[] checkedServices)
    {
        if (Environment.GetEnvironmentVariable(InstanceVariable) is { Length: > 0 } instance)
        {
            app.Use((context, next) =>
            {
                context.Response.Headers[InstanceHeader] = instance;
                return next(context);
            });
        }

        TelemetrySetup.MapTelemetry(app);
        var limit = app.Services.GetRequiredService<IOptions<GrpcServiceOptions>>().Value.MaxReceiveMessageSize ?? int.MaxValue;
        app.Use(new MalformedMessageCheck(checkedServices, limit).InvokeAsync);
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        var health = app.Services.GetRequiredService<IOptions<GrpcHealthChecksOptions>>().Value;
        foreach (var service in HostedServiceNames(app))
        {
            health.Services.Map(service, _ => true);
        }

        return app;
    }

    /// <summary>The full names of the gRPC services mapped on the app so far.</summary>
    public static IReadOnlyList<string> HostedServiceNames(WebApplication app) =>
        ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(source => source.Endpoints)
            .Select(endpoint => endpoint.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.ServiceName)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>The port Kestrel bound, once the app has started (useful with port 0).</summary>
    public static int GetBoundPort(this WebApplication app) => app.Services.GetRequiredService<IServer>().GetBoundPort();

    /// <summary>The gRPC port the server bound, once started.</summary>
    public static int GetBoundPort(this IServer server) => BoundPort(server, 0)
        ?? throw new InvalidOperationException("The server is not listening yet; start it first.");

    /// <summary>The metrics port Kestrel bound once the app has started, or null when metrics are off.</summary>
    public static int? GetMetricsPort(this WebApplication app) => app.Services.GetRequiredService<IServer>().GetMetricsPort();

    /// <summary>The metrics port the server bound once started, or null when metrics are off (the only second endpoint).</summary>
    public static int? GetMetricsPort(this IServer server) => BoundPort(server, 1);

    /// <summary>Kestrel lists its addresses in the order the endpoints were bound: gRPC first, then metrics.</summary>
    private static int? BoundPort(IServer server, int index) =>
        server.Features.Get<IServerAddressesFeature>()?.Addresses.ElementAtOrDefault(index) is { } address ? new Uri(address).Port : null;
}
