using Grpc.AspNetCore.HealthChecks;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Roundabout.Hosting;

/// <summary>Builds the web host every gRPC component runs on.</summary>
public static class GrpcHost
{
    /// <summary>The environment variable that gives a component its instance id (set by <c>roundabout up</c>).</summary>
    public const string InstanceVariable = "ROUNDABOUT_INSTANCE";

    /// <summary>The response header that carries the instance id, so a caller can tell which process answered.</summary>
    public const string InstanceHeader = "roundabout-instance";

    /// <summary>
    /// A builder with Kestrel on cleartext HTTP/2 at the given interface and port, gRPC with
    /// bounded message sizes, the grpc.health.v1 health service, server reflection, and the
    /// exercise's log format.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(GrpcHostOptions options, Action<GrpcServiceOptions>? configureGrpc = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.Listen, options.Port, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Logging.AddExerciseConsole(options.Component);
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
        return builder;
    }

    /// <summary>
    /// Maps the health and reflection services. Call it after the component's own services: the
    /// health service then answers for the empty name and for the full name of every gRPC service
    /// mapped on this host (such as <c>roundabout.calculator.v1.Calculator</c>), each with the
    /// component's overall health.
    /// </summary>
    public static WebApplication MapGrpcDefaults(this WebApplication app)
    {
        if (Environment.GetEnvironmentVariable(InstanceVariable) is { Length: > 0 } instance)
        {
            app.Use((context, next) =>
            {
                context.Response.Headers[InstanceHeader] = instance;
                return next(context);
            });
        }

        app.Use(MalformedMessageCheck.InvokeAsync);
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

    /// <summary>The port the server bound, once started.</summary>
    public static int GetBoundPort(this IServer server)
    {
        var first = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The server is not listening yet; start it first.");
        return new Uri(first).Port;
    }
}
