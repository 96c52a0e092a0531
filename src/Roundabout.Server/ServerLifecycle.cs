using Microsoft.AspNetCore.Hosting.Server;
using Roundabout.Contracts;
using Roundabout.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Roundabout.Server.Accumulators;
using Roundabout.Registration;

namespace Roundabout.Server;

/// <summary>
/// Brings the server into service once its port is bound: it waits for the shared store, then
/// registers, then announces itself. On shutdown it leaves the registry first, so clients stop
/// choosing it, and only then lets the web host finish the requests in flight.
/// </summary>
internal sealed class ServerLifecycle(
    ServerHostOptions options,
    ServerIdentity identity,
    IServer server,
    IAccumulatorStore store,
    RegistrationAgent agent,
    IHostApplicationLifetime lifetime,
    TimeProvider timeProvider,
    ILogger<ServerLifecycle> logger) : BackgroundService, IHostedLifecycleService
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _started.TrySetResult();
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        var token = stopping.Token;
        try
        {
            await _started.Task.WaitAsync(token);
            var address = $"{options.AdvertiseHost}:{server.GetBoundPort()}";
            identity.Set(address);
            Log.StoreInUse(logger, options.EffectiveStore.Named);
            await WaitForStoreAsync(token);
            await agent.RegisterAsync(address, WithAdvertisedEndpoints(options.Metadata), token);
            Log.Running(logger, address);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (InvalidOperationException)
        {
            // The registry refused us for good (bad token or address); it has been logged.
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    /// <summary>
    /// The metadata to register: the user's, plus <c>metrics</c> = host:port of the metrics
    /// endpoint when there is one, so a dashboard finds every server's /metrics in the registry,
    /// and <c>store</c> = the store's URI (its addresses only, never a credential), so a dashboard
    /// knows where the accumulators live, and <c>faults</c> when faults are injected. An entry the user gave wins (an address behind a proxy, say).
    /// </summary>
    private Dictionary<string, string> WithAdvertisedEndpoints(IReadOnlyDictionary<string, string> metadata)
    {
        var advertised = new Dictionary<string, string>(metadata, StringComparer.Ordinal);
        if (server.GetMetricsPort() is { } metricsPort)
        {
            advertised.TryAdd(MetadataKeys.Metrics, $"{options.AdvertiseHost}:{metricsPort}");
        }

        advertised.TryAdd(MetadataKeys.Store, options.EffectiveStore.ToString());
        if (options.Faults.Any)
        {
            // Set even over the user's entry: a slowed server must not hide it.
            advertised[MetadataKeys.Faults] = options.Faults.Describe();
        }

        return advertised;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        Log.ShuttingDown(logger);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(options.CallDeadline);
        await agent.DeregisterAsync(bounded.Token);
    }

    private async Task WaitForStoreAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        var longest = TimeSpan.FromSeconds(5);
        var failures = new RepeatedFailure(timeProvider);
        var named = options.EffectiveStore.Named;
        while (true)
        {
            try
            {
                await store.GetAsync(Contracts.ServiceNames.GlobalAccumulator, cancellationToken);
                if (failures.Succeed() is { } ended)
                {
                    Log.StoreReached(logger, HumanDuration.Format(ended.For), ended.Attempts, named);
                }

                return;
            }
            catch (StoreFailureException ex) when (ex.Kind == StoreFailureKind.Unauthorized)
            {
                // A missing or wrong token does not fix itself: stop, as a refusing registry does.
                Log.DatabaseRefused(logger, options.EffectiveStore.ToString(), ex.Cause);
                throw new InvalidOperationException(ex.Cause, ex);
            }
            catch (StoreFailureException ex) when (ex.OutcomeKnown)
            {
                // The store answered (with a value it cannot use, say): each call will report that.
                return;
            }
            catch (StoreFailureException ex) when (!cancellationToken.IsCancellationRequested)
            {
                var report = failures.Fail();
                if (report.Log == FailureLog.First)
                {
                    Log.DatabaseUnreachable(logger, named, ex.Cause, HumanDuration.Format(delay));
                }
                else if (report.Log == FailureLog.Summary)
                {
                    Log.StoreStillUnreachable(logger, HumanDuration.Format(report.For), report.Attempts, named, ex.Cause, HumanDuration.Format(longest));
                }

                await Task.Delay(delay, timeProvider, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, longest.Ticks));
            }
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
