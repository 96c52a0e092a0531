using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Roundabout.Hosting;
using Roundabout.Hosting.Telemetry;
using Roundabout.Registry.Grpc;
using Roundabout.Registry.Membership;
using Roundabout.Registry.Telemetry;

namespace Roundabout.Registry;

/// <summary>Builds the registry: the gRPC Registry service, health, reflection and the lease sweeper.</summary>
public static class RegistryHost
{
    /// <summary>
    /// A registry ready to start. Once started it logs <c>Service Registry running on port :PORT</c>
    /// with the port it really bound.
    /// </summary>
    /// <exception cref="OptionsValidationException">The options are invalid; the message lists why.</exception>
    /// <param name="configureServices">Runs after the defaults are registered; another membership backend registered here replaces the in-memory one.</param>
    public static WebApplication Build(RegistryHostOptions options, Action<IServiceCollection>? configureServices = null)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(nameof(RegistryHostOptions), typeof(RegistryHostOptions), errors);
        }

        var builder = GrpcHost.CreateBuilder(new GrpcHostOptions
        {
            Component = "Registry",
            Listen = options.Listen,
            Port = options.Port,
            Log = options.Log,
            MaxReceiveMessageSize = options.MaxReceiveMessageSize,
            Tls = options.Tls,
            CallersAuthenticated = options.Token is not null,
            OpenAccessAdvice = "set --token (or ROUNDABOUT_TOKEN) and give the servers the same token, " +
                "require client certificates with --tls-client-ca, or listen on 127.0.0.1 only.",
            Telemetry = new TelemetryOptions { MetricsPort = options.MetricsPort, Meters = [RegistryMetrics.MeterName], Traced = options.Tracing },
        });

        var membership = new MembershipOptions
        {
            Ttl = options.Ttl,
            RenewInterval = options.EffectiveRenewInterval,
            SuspectGrace = options.Ttl,
            PauseThreshold = options.Ttl,
            WatchBufferCapacity = options.WatchBufferCapacity,
            MaxInstances = options.MaxInstances,
            MaxWatchers = options.MaxWatchers,
        };
        builder.Services.AddSingleton(options.TimeProvider);
        builder.Services.AddSingleton<IMembershipBackend>(sp => new InMemoryMembershipBackend(membership, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(new SweepSchedule(options.EffectiveSweepInterval, membership.SuspectGrace));
        builder.Services.AddSingleton(new LeaseTimings(options.Ttl, options.EffectiveRenewInterval));
        builder.Services.AddSingleton(new RegistryToken(options.Token));
        builder.Services.AddSingleton<WriteAuthorizer>();
        builder.Services.AddSingleton(new ClientLimits(options.MaxWatchesPerClient, options.MaxRegistrationsPerSecond, options.RegistrationBurst));
        builder.Services.AddSingleton<RegistryMetrics>();
        builder.Services.AddHostedService<LeaseSweeper>();
        builder.Services.AddHostedService<MembershipCensus>();
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapGrpcService<RegistryService>();
        app.MapGrpcDefaults(Contracts.Registry.V1.Registry.Descriptor);

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RegistryHost).FullName!);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var port = app.GetBoundPort();
            Log.RegistryRunning(logger, port);
        });
        return app;
    }
}
