using Roundabout.Contracts.Registry.V1;

namespace Roundabout.Registration;

/// <summary>The lease the registry granted, with the timings it asked for.</summary>
internal sealed record Lease(string Id, TimeSpan Ttl, TimeSpan RenewInterval)
{
    private static readonly TimeSpan _minimumInterval = TimeSpan.FromMilliseconds(10);

    public static Lease From(RegisterResponse reply)
    {
        var ttl = reply.Ttl?.ToTimeSpan() is { } t && t > TimeSpan.Zero ? t : TimeSpan.FromSeconds(3);
        var interval = reply.RenewInterval?.ToTimeSpan() is { } r && r > TimeSpan.Zero ? r : ttl / 3;
        return new Lease(reply.LeaseId, ttl, interval < _minimumInterval ? _minimumInterval : interval);
    }

    /// <summary>
    /// How long one heartbeat call may take: one renew interval. The call waits for the
    /// connection (so a registry that just restarted is reached as soon as it listens), and a
    /// call that outlives the interval is given up so the next heartbeat, or registry, can try.
    /// </summary>
    public TimeSpan CallTimeout(TimeSpan callDeadline) => RenewInterval < callDeadline ? RenewInterval : callDeadline;
}
