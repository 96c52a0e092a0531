using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Roundabout.Contracts;

namespace Roundabout.Registration;

/// <summary>
/// Registers the app's bound addresses once it has started (one lease per address, each kept by a
/// <see cref="RegistrationAgent"/>), takes them out while the app's health checks report
/// Unhealthy and puts them back when they recover, and deregisters when the app begins to stop,
/// before the web server stops taking requests, so clients stop choosing it first.
/// </summary>
internal sealed partial class RegistrationService(
    IOptions<RoundaboutRegistrationOptions> options,
    IServer server,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    IServiceProvider services) : BackgroundService, IHostedLifecycleService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<RegistrationService>();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private List<RegistrationAgent> _agents = [];
    private bool _stopping;
    private int _healthChecks;

    /// <summary>The addresses registered now (host:port), empty while out of the registry.</summary>
    internal IReadOnlyList<string> Registered { get; private set; } = [];

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _started.TrySetResult();
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        var token = stopping.Token;
        try
        {
            await _started.Task.WaitAsync(token);
            var addresses = AdvertisedAddresses(settings);
            if (addresses.Count == 0)
            {
                Log.NoAddresses(_logger, settings.Service);
                return;
            }

            var health = services.GetService(typeof(HealthCheckService)) as HealthCheckService;
            var healthy = health is null || await IsHealthyAsync(health, token);
            if (healthy)
            {
                await RegisterAsync(settings, addresses, token);
            }
            else
            {
                Log.StartingUnhealthy(_logger, settings.Service);
            }

            if (health is null)
            {
                return;
            }

            using var timer = new PeriodicTimer(settings.HealthCheckInterval, time);
            while (await timer.WaitForNextTickAsync(token))
            {
                var now = await IsHealthyAsync(health, token);
                if (now == healthy)
                {
                    continue;
                }

                healthy = now;
                if (healthy)
                {
                    Log.Recovered(_logger, settings.Service);
                    await RegisterAsync(settings, addresses, token);
                }
                else
                {
                    Log.Unhealthy(_logger, settings.Service);
                    await DeregisterAsync(token);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (InvalidOperationException ex)
        {
            // The registry refused the registration for good (a bad token or address): the app
            // keeps serving, unlisted, and says so.
            Log.RegistrationFailed(_logger, settings.Service, ex.Message);
        }
    }

    /// <summary>How many times the health checks have run.</summary>
    internal int HealthChecks => Volatile.Read(ref _healthChecks);

    private async Task<bool> IsHealthyAsync(HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken);
        Interlocked.Increment(ref _healthChecks);
        return report.Status != HealthStatus.Unhealthy;
    }

    private async Task RegisterAsync(RoundaboutRegistrationOptions settings, IReadOnlyList<(string Address, string Scheme)> addresses, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_stopping || _agents.Count > 0)
            {
                return;
            }

            var agents = new List<RegistrationAgent>();
            var registered = new List<string>();
            try
            {
                foreach (var (address, scheme) in addresses)
                {
                    var agent = new RegistrationAgent(
                        new RegistrationOptions { Registries = [.. settings.Registries], Service = settings.Service, Token = settings.Token, Tls = settings.Tls },
                        time,
                        loggerFactory.CreateLogger<RegistrationAgent>());
                    agents.Add(agent);
                    var metadata = new Dictionary<string, string>(settings.Metadata, StringComparer.Ordinal);
                    metadata.TryAdd("scheme", scheme);
                    await agent.RegisterAsync(address, metadata, cancellationToken);
                    registered.Add(address);
                    Log.RegisteredAddress(_logger, settings.Service, address);
                }
            }
            catch
            {
                foreach (var agent in agents)
                {
                    await agent.DeregisterAsync(CancellationToken.None);
                    agent.Dispose();
                }

                throw;
            }

            _agents = agents;
            Registered = registered;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task DeregisterAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var agents = _agents;
            _agents = [];
            Registered = [];
            foreach (var agent in agents)
            {
                await agent.DeregisterAsync(cancellationToken);
                agent.Dispose();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The app is stopping: leave the registry before the web server stops taking requests.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _gate.WaitAsync(cancellationToken);
            _stopping = true;
            _gate.Release();
            await DeregisterAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping without grace: the leases run out in the registry instead.
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>host:port and scheme of each address the web server bound, with wildcards replaced by the advertised host.</summary>
    private List<(string Address, string Scheme)> AdvertisedAddresses(RoundaboutRegistrationOptions settings)
    {
        var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var result = new List<(string Address, string Scheme)>();
        foreach (var text in bound)
        {
            if (!BindingAddress.TryParse(text, out var scheme, out var host, out var port))
            {
                Log.UnreadableAddress(_logger, text);
                continue;
            }

            if (BindingAddress.IsWildcard(host))
            {
                host = settings.AdvertiseHost ?? Dns.GetHostName();
            }

            var address = EndpointAddress.Parse($"{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}").ToString();
            if (!result.Exists(r => r.Address == address))
            {
                result.Add((address, scheme));
            }
        }

        return result;
    }

    public override void Dispose()
    {
        foreach (var agent in _agents)
        {
            agent.Dispose();
        }

        _gate.Dispose();
        base.Dispose();
    }
}
