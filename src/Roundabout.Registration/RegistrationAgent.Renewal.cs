using Grpc.Core;
using Roundabout.Contracts.Registry.V1;

namespace Roundabout.Registration;

public sealed partial class RegistrationAgent
{
    /// <summary>
    /// Heartbeats on a fixed period from the start of each, not a pause after each: a heartbeat
    /// that waited for an absent registry is followed at once by the next, so a registry that
    /// comes back is reached as soon as it listens.
    /// </summary>
    private async Task RenewLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RenewInterval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await RenewOnceAsync(cancellationToken);
                if (timer.Period != RenewInterval)
                {
                    timer.Period = RenewInterval;
                }
            }
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or RpcException)
        {
        }
    }

    private TimeSpan RenewInterval => _granted?.RenewInterval ?? _options.FallbackRenewInterval;

    /// <summary>
    /// One heartbeat: renew the lease; when the registry no longer knows it, register again at
    /// once; when the registry cannot be reached, try the next one.
    /// </summary>
    internal async Task RenewOnceAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _lease) is not { } lease)
        {
            await RegisterAgainAsync(cancellationToken);
            return;
        }

        for (var tried = 0; tried < _registries.Length; tried++)
        {
            var (name, _, client) = _registries[_current];
            try
            {
                await client.RenewAsync(new RenewRequest { LeaseId = lease.Id }, HeartbeatCall(cancellationToken));
                Reached(name);
                return;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
            {
                Reached(name);
                Log.LeaseLost(_logger, name);
                Interlocked.CompareExchange(ref _lease, null, lease);
                await RegisterAgainAsync(cancellationToken);
                return;
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.InvalidArgument)
            {
                Log.RenewRefused(_logger, name, Reason(ex));
                return;
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                Failed(name, Reason(ex), () => Log.RenewFailed(_logger, name, Reason(ex)));
                Failover();
            }
        }
    }

    /// <summary>Registers again after the lease was lost, trying each registry once; the next heartbeat retries.</summary>
    private async Task RegisterAgainAsync(CancellationToken cancellationToken)
    {
        if (_request is not { } request)
        {
            return;
        }

        for (var tried = 0; tried < _registries.Length; tried++)
        {
            var (name, _, client) = _registries[_current];
            try
            {
                var reply = await client.RegisterAsync(request, HeartbeatCall(cancellationToken));
                var granted = Lease.From(reply);
                _granted = granted;
                Volatile.Write(ref _lease, granted);
                Reached(name);
                Log.RegisteredAgain(_logger, name);
                return;
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.InvalidArgument)
            {
                Log.RegistrationRefused(_logger, name, Reason(ex));
                return;
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                Failed(name, Reason(ex), () => Log.RegisterAgainFailed(_logger, name, Reason(ex)));
                Failover();
            }
        }
    }

    private CallOptions HeartbeatCall(CancellationToken cancellationToken) =>
        new CallOptions(Headers(), Deadline(_granted?.CallTimeout(_options.CallDeadline) ?? _options.FallbackRenewInterval), cancellationToken)
            .WithWaitForReady();

    private void Failover()
    {
        if (_registries.Length > 1)
        {
            _current = (_current + 1) % _registries.Length;
            Log.SwitchedRegistry(_logger, _registries[_current].Name);
        }
    }
}
