using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Roundabout.Contracts.Registry.V1;

namespace Roundabout.Server.Membership;

/// <summary>Keeps this server listed in the registry: registers at start, deregisters on shutdown.</summary>
public sealed class RegistrationAgent : IDisposable
{
    private readonly RegistrationOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RegistrationAgent> _logger;
    private readonly (string Name, GrpcChannel Channel, Registry.RegistryClient Client)[] _registries;
    private string? _leaseId;
    private int _current;

    public RegistrationAgent(RegistrationOptions options, TimeProvider timeProvider, ILogger<RegistrationAgent> logger)
    {
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _registries = options.Registries
            .Select(address =>
            {
                var channel = GrpcChannel.ForAddress(address.ToHttpUri());
                return (address.ToString(), channel, new Registry.RegistryClient(channel));
            })
            .ToArray();
    }

    /// <summary>
    /// Registers <paramref name="address"/>, trying each registry in turn and backing off while
    /// none answers. Returns once registered; throws only when cancelled or refused for good.
    /// </summary>
    public async Task RegisterAsync(string address, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var request = new RegisterRequest { Service = _options.Service, Address = address };
        foreach (var (key, value) in metadata)
        {
            request.Metadata[key] = value;
        }

        var delay = _options.InitialRetryDelay;
        while (true)
        {
            var (name, _, client) = _registries[_current];
            try
            {
                var reply = await client.RegisterAsync(request, Headers(), Deadline(), cancellationToken);
                _leaseId = reply.LeaseId;
                Log.Registered(_logger);
                return;
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.InvalidArgument or StatusCode.Unauthenticated or StatusCode.PermissionDenied)
            {
                Log.RegistrationRefused(_logger, name, ex.Status.Detail);
                throw new InvalidOperationException($"The registry at {name} refused to register {address}: {ex.Status.Detail}", ex);
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                Log.RegistryUnreachable(_logger, name, ex.Status.Detail.Length > 0 ? ex.Status.Detail : ex.StatusCode.ToString(), delay);
                _current = (_current + 1) % _registries.Length;
                await Task.Delay(delay, _timeProvider, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
            }
        }
    }

    /// <summary>Drops the lease, so clients stop being sent here before the server stops.</summary>
    public async Task DeregisterAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _leaseId, null) is not { } leaseId)
        {
            return;
        }

        try
        {
            await _registries[_current].Client.DeregisterAsync(new DeregisterRequest { LeaseId = leaseId }, Headers(), Deadline(), cancellationToken);
            Log.Deregistered(_logger);
        }
        catch (RpcException ex)
        {
            Log.DeregisterFailed(_logger, ex.Status.Detail.Length > 0 ? ex.Status.Detail : ex.StatusCode.ToString());
        }
    }

    private Metadata? Headers() =>
        string.IsNullOrEmpty(_options.Token) ? null : new Metadata { { "authorization", $"Bearer {_options.Token}" } };

    private DateTime Deadline() => _timeProvider.GetUtcNow().UtcDateTime + _options.CallDeadline;

    public void Dispose()
    {
        foreach (var registry in _registries)
        {
            registry.Channel.Dispose();
        }
    }
}
