using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Roundabout.Client.Network;
using Roundabout.Dashboard.Accumulators;
using Roundabout.Dashboard.Membership;
using Roundabout.Dashboard.Metrics;
using Roundabout.Dashboard.Network;
using Roundabout.Dashboard.Probing;
using Roundabout.Dashboard.State;
using Roundabout.Dashboard.Web;
using Roundabout.Hosting;

namespace Roundabout.Dashboard;

/// <summary>
/// Builds the dashboard: a small web app on HTTP/1.1 that serves one page and a live feed of the
/// system's state, gathered as a client of the registry, the servers and the database.
/// </summary>
public static class DashboardHost
{
    public static WebApplication Build(DashboardOptions options, Action<IServiceCollection>? configureServices = null)
    {
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.Listen, options.Port, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.Logging.AddExerciseConsole("Dashboard", options.Log);

        var services = builder.Services;
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<DashboardState>();
        services.AddSingleton<GrpcChannels>();
        services.AddSingleton<PageAssets>();
        services.AddSingleton<EventStreamSlots>();
        services.TryAddSingleton<HostLookup>(Dns.GetHostAddresses);
        services.AddSingleton(sp => new NameResolver(options.MaxNameLookups, options.CallDeadline, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<HostLookup>()));
        services.AddSingleton(sp => new HttpClient(HttpHandler(sp.GetRequiredService<NameResolver>(), options))
        {
            MaxResponseContentBufferSize = 4 * 1024 * 1024,
            Timeout = Timeout.InfiniteTimeSpan,
        });
        services.AddHostedService<MembershipMonitor>();
        services.AddHostedService<HealthProber>();
        services.AddHostedService<MetricsScraper>();
        services.AddHostedService<AccumulatorReader>();
        services.AddSingleton<History.HistoryStore>();
        services.AddHostedService<History.HistoryRecorder>();
        services.AddHostedService<Services.ServiceCatalog>();
        configureServices?.Invoke(services);

        var app = builder.Build();
        app.Use(AddHeaders);
        MapEndpoints(app);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var logger = app.Services.GetRequiredService<ILogger<DashboardOptions>>();
            var url = Url(app);
            var registries = string.Join(",", options.Registries);
            var database = options.Database.ToString();
            Log.Running(logger, url, registries, database);
        });
        return app;
    }

    private static SocketsHttpHandler HttpHandler(NameResolver resolver, DashboardOptions options)
    {
        var handler = ResolvingConnect.Handler(resolver, options.CallDeadline);
        handler.PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30);
        return handler;
    }

    /// <summary>The page's address once started, such as <c>http://127.0.0.1:8080/</c>.</summary>
    public static string Url(WebApplication app)
    {
        var options = app.Services.GetRequiredService<DashboardOptions>();
        var port = app.Services.GetRequiredService<IServer>().GetBoundPort();
        var host = options.Listen.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{options.Listen}]" : options.Listen.ToString();
        return $"http://{host}:{port}/";
    }

    private static void MapEndpoints(WebApplication app)
    {
        foreach (var file in app.Services.GetRequiredService<PageAssets>().Files)
        {
            app.MapMethods(file.Path, [HttpMethods.Get, HttpMethods.Head], (HttpContext context) => ServeFile(context, file));
        }

        app.MapGet("/api/state", (DashboardState state) => TypedResults.Json(state.Snapshot(), DashboardJson.Default.DashboardSnapshot));
        app.MapGet("/api/history", (History.HistoryStore history) => TypedResults.Json(history.View(), DashboardJson.Default.HistoryView));
        app.MapGet("/events", (HttpContext context, DashboardState state, EventStreamSlots slots, IHostApplicationLifetime lifetime) => EventStream.StreamAsync(context, state, slots, lifetime));
        app.MapGet("/healthz", () => TypedResults.Text("ok\n"));
    }

    private static Task ServeFile(HttpContext context, PageFile file)
    {
        context.Response.Headers.ETag = file.ETag;
        context.Response.Headers.CacheControl = "no-cache";
        if (context.Request.Headers.IfNoneMatch == file.ETag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        context.Response.ContentType = file.ContentType;
        context.Response.ContentLength = file.Content.Length;
        return context.Response.Body.WriteAsync(file.Content).AsTask();
    }

    /// <summary>
    /// Every value on the page is set as text, never as markup; the policy adds a second wall:
    /// only the page's own script runs, nothing inline, nothing from elsewhere.
    /// </summary>
    private static Task AddHeaders(HttpContext context, Func<Task> next)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (Environment.GetEnvironmentVariable(GrpcHost.InstanceVariable) is { Length: > 0 } instance)
        {
            headers[GrpcHost.InstanceHeader] = instance;
        }

        return next();
    }
}
