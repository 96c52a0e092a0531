using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Roundabout.Database.Engine;
using Roundabout.Database.Grpc;
using Roundabout.Database.Storage;
using Roundabout.Database.Telemetry;
using Roundabout.Hosting;
using Roundabout.Hosting.Telemetry;

namespace Roundabout.Database;

/// <summary>Builds the database: the store is opened (and recovered) here, before anything is served.</summary>
public static class DatabaseHost
{
    /// <summary>
    /// Builds the host with an open store. Throws <see cref="StoreOpenException"/> if the data
    /// directory is damaged, locked by another process, or unusable. Once started, the app logs
    /// <c>Shared Memory running on port :PORT</c>; on stop it flushes and closes the store.
    /// </summary>
    /// <param name="configureServices">Runs after the defaults are registered (tests add a log sink here).</param>
    public static WebApplication Build(DatabaseHostOptions options, Action<IServiceCollection>? configureServices = null)
    {
        options.Validate();
        var builder = GrpcHost.CreateBuilder(new GrpcHostOptions
        {
            Component = "Database",
            Listen = options.Listen,
            Port = options.Port,
            Tls = options.Tls,
            Log = options.Log,
            CallersAuthenticated = options.Token is not null,
            OpenAccessAdvice = "set --token (or ROUNDABOUT_DATABASE_TOKEN) and give the servers --database-token, " +
                "require client certificates with --tls-client-ca, or listen on 127.0.0.1 only.",
            Telemetry = new TelemetryOptions { MetricsPort = options.MetricsPort, Meters = [DatabaseMetrics.MeterName] },
        });
        if (options.Token is { } token)
        {
            // On the Database service alone: the health service stays open to probes.
            builder.Services.AddSingleton(new DatabaseToken(token));
            builder.Services.AddGrpc().AddServiceOptions<DatabaseService>(grpc => grpc.Interceptors.Add<TokenInterceptor>());
        }

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<DatabaseMetrics>();
        builder.Services.AddSingleton(sp => OpenStore(options, sp));
        builder.Services.AddHostedService<StoreLifetime>();
        builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>("store");
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        try
        {
            _ = app.Services.GetRequiredService<KeyValueStore>();
        }
        catch
        {
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }

        app.MapGrpcService<DatabaseService>();
        app.MapGrpcDefaults(Contracts.Database.V1.Database.Descriptor);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseHost).FullName!);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var port = app.GetBoundPort();
            Log.Running(logger, port);
        });
        return app;
    }

    private static KeyValueStore OpenStore(DatabaseHostOptions options, IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseHost).FullName!);
        var metrics = services.GetRequiredService<DatabaseMetrics>();
        if (options.InMemory)
        {
            Log.InMemory(logger);
            return new KeyValueStore(StoreImage.Empty, new MemoryLog(), options.TimeProvider, metrics);
        }

        var storage = new StorageOptions
        {
            DataDirectory = options.DataDirectory,
            SnapshotThresholdBytes = options.SnapshotThresholdBytes,
            Disk = options.Disk ?? SystemLogDisk.Instance,
            Metrics = metrics,
        };
        var (log, image) = DurableLog.Open(storage, logger);
        log.Failed += _ =>
        {
            Environment.ExitCode = 1;
            services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        };
        return new KeyValueStore(image, log, options.TimeProvider, metrics);
    }
}
