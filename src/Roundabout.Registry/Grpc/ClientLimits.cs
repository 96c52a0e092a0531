using System.Net;
using System.Threading.RateLimiting;
using Grpc.Core;

namespace Roundabout.Registry.Grpc;

/// <summary>
/// What one client may take of the registry, a client being the IP address its connection comes
/// from (behind a proxy, or several processes on one host, that address is shared): a number of
/// open watches, so that one client cannot hold every watch the registry allows, and a rate of
/// registrations, so that a flood from one client cannot slow the lookups of everyone else.
/// </summary>
internal sealed class ClientLimits : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, int> _watches = [];
    private readonly int _maxWatches;
    private readonly int _registerRate;
    private readonly PartitionedRateLimiter<IPAddress> _registrations;

    public ClientLimits(int maxWatchesPerClient, int registrationsPerSecond, int registrationBurst)
    {
        _maxWatches = maxWatchesPerClient;
        _registerRate = registrationsPerSecond;

        // Tokens are added ten times a second, so a client that waits a moment gets one again soon.
        var perTick = Math.Max(1, registrationsPerSecond / 10);
        var tick = TimeSpan.FromSeconds((double)perTick / registrationsPerSecond);
        _registrations = PartitionedRateLimiter.Create<IPAddress, IPAddress>(client => RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = registrationBurst,
            TokensPerPeriod = perTick,
            ReplenishmentPeriod = tick,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>The client a call comes from: the remote IP address of its connection (IPv4 addresses in IPv6 form as IPv4).</summary>
    public static IPAddress ClientOf(ServerCallContext context)
    {
        var address = context.GetHttpContext().Connection.RemoteIpAddress ?? IPAddress.None;
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    /// <summary>Takes one registration from the client's allowance, or refuses with ResourceExhausted.</summary>
    public void AcquireRegistration(IPAddress client)
    {
        using var lease = _registrations.AttemptAcquire(client);
        if (!lease.IsAcquired)
        {
            throw new RpcException(new Status(
                StatusCode.ResourceExhausted,
                $"too many registrations from {client}: at most {_registerRate} a second from one address (registry option --max-registrations-per-second); wait and try again"));
        }
    }

    /// <summary>Takes one of the client's watch slots, given back when the returned handle is disposed; refuses with ResourceExhausted when it holds them all.</summary>
    public IDisposable AcquireWatch(IPAddress client)
    {
        lock (_gate)
        {
            var open = _watches.GetValueOrDefault(client);
            if (open >= _maxWatches)
            {
                throw new RpcException(new Status(
                    StatusCode.ResourceExhausted,
                    $"{client} already has {open} watches open, the most one address may hold (registry option --max-watches-per-client); close some or poll ListInstances"));
            }

            _watches[client] = open + 1;
        }

        return new WatchSlot(this, client);
    }

    public void Dispose() => _registrations.Dispose();

    private void Release(IPAddress client)
    {
        lock (_gate)
        {
            var open = _watches[client] - 1;
            if (open == 0)
            {
                _watches.Remove(client);
            }
            else
            {
                _watches[client] = open;
            }
        }
    }

    private sealed class WatchSlot(ClientLimits owner, IPAddress client) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(client);
            }
        }
    }
}
