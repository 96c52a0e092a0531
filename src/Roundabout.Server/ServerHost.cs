using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Roundabout.Contracts;
using Roundabout.Contracts.Database.V1;
using OpenTelemetry.Trace;
using Roundabout.Contracts.Security;
using Roundabout.Hosting;
using Roundabout.Hosting.Telemetry;
using Roundabout.Server.Accumulators;
using Roundabout.Server.Calculation;
using Roundabout.Registration;
using Roundabout.Server.Faults;
using Roundabout.Server.Telemetry;

namespace Roundabout.Server;

/// <summary>Builds a calculation server: the Calculator service, its store, and its registration.</summary>
public static class ServerHost
{
    public static WebApplication Build(ServerHostOptions options, Action<IServiceCollection>? configureServices = null)
    {
        options.Validate();
        var builder = GrpcHost.CreateBuilder(new GrpcHostOptions
        {
            Component = "Server",
            Listen = options.Listen,
            Port = options.Port,
            Tls = options.Tls,
            Log = options.Log,
            Telemetry = new TelemetryOptions
            {
                MetricsPort = options.MetricsPort,
                Meters = [ServerMetrics.MeterName],
                ConfigureTracing = options.EffectiveStore.Kind == StoreKind.Redis ? TraceRedis : null,
                Traced = options.Tracing,
            },
        });
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton<ServerMetrics>();
        services.AddSingleton<ServerIdentity>();
        services.AddSingleton<RequestLog>();
        services.AddSingleton<WriteAuthorizer>();
        services.AddSingleton(new RegistrationOptions
        {
            Registries = options.Registry,
            Service = options.Service,
            Token = options.Token,
            Tls = options.DialTls,
            CallDeadline = options.CallDeadline,
        });
        services.AddSingleton<RegistrationAgent>();
        AddStore(services, options);
        if (options.Faults.Any)
        {
            // Only the Calculator's calls: health checks and reflection answer at once.
            services.Configure<Grpc.AspNetCore.Server.GrpcServiceOptions<CalculatorService>>(grpc => grpc.Interceptors.Add<FaultInjector>());
        }

        configureServices?.Invoke(services);
        services.AddHostedService<ServerLifecycle>();

        var app = builder.Build();
        if (options.UnsafeMultiply)
        {
            Log.UnsafeMultiply(app.Services.GetRequiredService<ILogger<UnsafeAccumulatorStore>>());
        }

        if (options.Faults.Any)
        {
            Log.FaultsOn(app.Services.GetRequiredService<ILogger<FaultInjector>>(), options.Faults.Describe());
        }

        app.MapGrpcService<CalculatorService>();
        app.MapGrpcDefaults(Contracts.Calculator.V1.Calculator.Descriptor);
        return app;
    }

    private static void AddStore(IServiceCollection services, ServerHostOptions options)
    {
        var store = options.EffectiveStore;
        if (store.Kind == StoreKind.Etcd)
        {
            services.AddSingleton<IAccumulatorStore>(sp => new EtcdAccumulatorStore(
                store.Endpoints, sp.GetRequiredService<ServerHostOptions>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ServerMetrics>()));
            return;
        }

        if (store.Kind == StoreKind.Redis)
        {
            services.AddSingleton(sp => new RedisConnection(store.Endpoints, sp.GetRequiredService<ServerHostOptions>().CallDeadline, sp.GetRequiredService<ILogger<RedisConnection>>()));
            services.AddSingleton<IAccumulatorStore, RedisAccumulatorStore>();
            return;
        }

        services.AddKeyedSingleton(nameof(Database), (_, _) => GrpcChannels.ForAddress(store.Endpoints[0], options.DialTls));
        services.AddSingleton(sp => new Database.DatabaseClient(WithToken(sp.GetRequiredKeyedService<GrpcChannel>(nameof(Database)), options.DatabaseToken)));
        services.AddSingleton<DatabaseAccumulatorStore>();
        if (options.UnsafeMultiply)
        {
            services.AddSingleton<IAccumulatorStore, UnsafeAccumulatorStore>();
        }
        else
        {
            services.AddSingleton<IAccumulatorStore>(sp => sp.GetRequiredService<DatabaseAccumulatorStore>());
        }
    }

    /// <summary>Every call carries the database's token when it has one; without one the channel is used as it is.</summary>
    private static CallInvoker WithToken(GrpcChannel channel, string? token)
    {
        if (token is null)
        {
            return channel.CreateCallInvoker();
        }

        var authorization = BearerHeader.For(token);
        return channel.Intercept(headers =>
        {
            headers.Add(authorization);
            return headers;
        });
    }

    /// <summary>Redis commands become spans under the call that sent them (only when tracing is on).</summary>
    private static void TraceRedis(TracerProviderBuilder tracing) =>
        tracing
            .AddRedisInstrumentation(redis => redis.FlushInterval = TimeSpan.FromMilliseconds(100))
            .ConfigureRedisInstrumentation((sp, instrumentation) =>
                sp.GetRequiredService<RedisConnection>().WhenConnected(connection => instrumentation.AddConnection(connection)));
}
