using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Roundabout.Contracts;
using Roundabout.Contracts.Registry.V1;
using Roundabout.Contracts.Security;
using RegistryClient = Roundabout.Contracts.Registry.V1.Registry.RegistryClient;

namespace Roundabout.Registration;

/// <summary>
/// Keeps this server listed in the registry: registers at start (retrying with backoff), renews
/// the lease at the interval the registry asks for, registers again at once when the registry no
/// longer knows the lease (it restarted, or evicted this server), fails over between registries,
/// and deregisters on shutdown.
/// </summary>
public sealed partial class RegistrationAgent : IDisposable
{
    private readonly RegistrationOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RegistrationAgent> _logger;
    private readonly (string Name, GrpcChannel Channel, RegistryClient Client)[] _registries;
    private readonly CancellationTokenSource _stop = new();
    private RegisterRequest? _request;
    private Lease? _lease;

    // The last lease granted, kept for its timings after the lease itself is lost.
    private Lease? _granted;
    private readonly RepeatedFailure _outage;
    private Task? _renewing;
    private int _current;
    private int _disposed;

    /// <summary>Creates the agent and its registry channels; nothing is sent until <see cref="RegisterAsync"/>.</summary>
    public RegistrationAgent(RegistrationOptions options, TimeProvider timeProvider, ILogger<RegistrationAgent> logger)
    {
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _outage = new RepeatedFailure(timeProvider);
        _registries = options.Registries
            .Select(address =>
            {
                // Reconnect quickly once a registry is back, so that a restart is noticed within one renew interval.
                var channel = GrpcChannels.ForAddress(address, options.Tls, new GrpcChannelOptions
                {
                    InitialReconnectBackoff = TimeSpan.FromMilliseconds(50),
                    MaxReconnectBackoff = options.MaxReconnectBackoff,
                });
                return (address.ToString(), channel, new RegistryClient(channel));
            })
            .ToArray();
    }

    /// <summary>The registry that holds (or last held) the lease, as host:port.</summary>
    internal string CurrentRegistry => _registries[Volatile.Read(ref _current)].Name;

    /// <summary>
    /// Registers <paramref name="address"/>, trying each registry in turn and backing off while
    /// none answers, then keeps the lease renewed in the background. Returns once registered;
    /// throws only when cancelled or refused for good (a bad token or address).
    /// </summary>
    public async Task RegisterAsync(string address, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var request = new RegisterRequest { Service = _options.Service, Address = address };
        foreach (var (key, value) in metadata)
        {
            request.Metadata[key] = value;
        }

        _request = request;
        var delay = _options.InitialRetryDelay;
        while (true)
        {
            var (name, _, client) = _registries[_current];
            try
            {
                var reply = await client.RegisterAsync(request, Headers(), Deadline(_options.CallDeadline), cancellationToken);
                _lease = _granted = Lease.From(reply);
                Reached(name);
                Log.Registered(_logger);
                _renewing ??= Task.Run(() => RenewLoopAsync(_stop.Token), CancellationToken.None);
                return;
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.InvalidArgument or StatusCode.Unauthenticated or StatusCode.PermissionDenied)
            {
                Log.RegistrationRefused(_logger, name, ex.Status.Detail);
                throw new InvalidOperationException($"The registry at {name} refused to register {address}: {ex.Status.Detail}", ex);
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                var retryIn = delay;
                Failed(name, Reason(ex), () => Log.RegistryUnreachable(_logger, name, Reason(ex), HumanDuration.Format(retryIn)));
                _current = (_current + 1) % _registries.Length;
                await Task.Delay(delay, _timeProvider, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
            }
        }
    }

    /// <summary>
    /// Stops renewing and drops the lease, so clients stop being sent here before the server
    /// stops. The renewals stop first: a renewal racing the deregistration would get NotFound
    /// and register the server again.
    /// </summary>
    public async Task DeregisterAsync(CancellationToken cancellationToken)
    {
        await StopRenewingAsync(cancellationToken);
        if (Interlocked.Exchange(ref _lease, null) is not { } lease)
        {
            return;
        }

        try
        {
            await _registries[_current].Client.DeregisterAsync(
                new DeregisterRequest { LeaseId = lease.Id }, Headers(), Deadline(_options.CallDeadline), cancellationToken);
            Log.Deregistered(_logger);
        }
        catch (RpcException ex)
        {
            Log.DeregisterFailed(_logger, Reason(ex));
        }
    }

    /// <summary>Stops renewing and closes the registry channels, without deregistering: the lease runs out by itself.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stop.Cancel();
        foreach (var registry in _registries)
        {
            registry.Channel.Dispose();
        }

        _stop.Dispose();
    }

    private async Task StopRenewingAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_renewing is { } renewing)
        {
            try
            {
                await renewing.WaitAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or RpcException)
            {
                // Stopping anyway: the deregistration below still runs.
            }
        }
    }

    /// <summary>Logs the first failure of a run in full, then only a summary now and then (one failure a second would flood the log).</summary>
    private void Failed(string registry, string reason, Action logFirst)
    {
        var report = _outage.Fail();
        if (report.Log == FailureLog.First)
        {
            logFirst();
        }
        else if (report.Log == FailureLog.Summary)
        {
            Log.RegistryStillUnreachable(_logger, HumanDuration.Format(report.For), report.Attempts, registry, reason);
        }
    }

    private void Reached(string registry)
    {
        if (_outage.Succeed() is { } ended)
        {
            Log.RegistryReachedAgain(_logger, registry, HumanDuration.Format(ended.For), ended.Attempts);
        }
    }

    private Metadata? Headers() =>
        string.IsNullOrEmpty(_options.Token) ? null : new Metadata { BearerHeader.For(_options.Token) };

    private DateTime Deadline(TimeSpan timeout) => _timeProvider.GetUtcNow().UtcDateTime + timeout;

    private static string Reason(RpcException ex) => ex.Status.Detail.Length > 0 ? ex.Status.Detail : ex.StatusCode.ToString();
}
