namespace Roundabout.Registry.Membership;

internal sealed partial class InMemoryMembershipBackend
{
    private long? _lastSweepStamp;

    /// <summary>
    /// Evicts expired leases. Expirations that look like a registry fault are held as suspect
    /// instead (see <see cref="EvictionGuard"/>): when more than half of a service is failing at
    /// once, or when the gap since the previous sweep shows the registry itself was not running.
    /// Failing means expired, already suspect, or overdue (silent for longer than TTL minus one
    /// renew interval): servers cut off together stop renewing together, but their leases expire
    /// spread over one renew interval, so expiry alone would let the guard see them one by one.
    /// A suspect that still does not renew within <see cref="MembershipOptions.SuspectGrace"/> is evicted.
    /// A shorter gap, longer than one renew interval, is a stall of the registry: see <see cref="CreditStallLocked"/>.
    /// </summary>
    public ValueTask<SweepReport> SweepAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetTimestamp();
        var evicted = new List<MemberInstance>();
        var held = new List<HeldGroup>();
        lock (_gate)
        {
            var gap = _lastSweepStamp is { } last ? _time.GetElapsedTime(last, now) : TimeSpan.Zero;
            var paused = gap > _options.PauseThreshold;
            _lastSweepStamp = now;
            if (!paused && gap > _options.RenewInterval)
            {
                CreditStallLocked(gap - _options.RenewInterval, now);
            }

            foreach (var (service, members) in _services.ToArray())
            {
                var total = members.Count;
                var failing = 0;
                var expiring = new List<MemberEntry>();
                foreach (var entry in members.Values.ToArray())
                {
                    var silent = _time.GetElapsedTime(entry.RenewedStamp, now);
                    if (entry.SuspectSince is { } since)
                    {
                        failing++;
                        if (_time.GetElapsedTime(since, now) >= _options.SuspectGrace)
                        {
                            evicted.Add(EvictLocked(entry));
                        }
                    }
                    else if (silent >= _options.Ttl)
                    {
                        failing++;
                        expiring.Add(entry);
                    }
                    else if (silent >= _options.Ttl - _options.RenewInterval)
                    {
                        failing++;
                    }
                }

                if (expiring.Count == 0)
                {
                    continue;
                }

                if (paused || EvictionGuard.ShouldHold(failing, total))
                {
                    foreach (var entry in expiring)
                    {
                        entry.SuspectSince = now;
                        PublishLocked(MembershipChangeKind.Updated, entry.ToInstance());
                    }

                    held.Add(new HeldGroup(service, expiring.Select(e => e.ToInstance()).ToArray(), total));
                }
                else
                {
                    evicted.AddRange(expiring.Select(EvictLocked));
                }
            }

            return ValueTask.FromResult(evicted.Count == 0 && held.Count == 0 && !paused
                ? SweepReport.Empty
                : new SweepReport(evicted, held, paused));
        }
    }

    /// <summary>
    /// The registry stalled (no sweep for longer than one renew interval, but not a whole TTL: that
    /// is a pause, handled by holding). Renewals sent meanwhile could not be handled, so the part of
    /// the gap beyond one renew interval is not counted against any lease: every lease, and every
    /// suspect's grace, moves forward by it, never past now. A server silent before the stall loses
    /// nothing it had; a dead one is evicted later by the length of the stall, not kept.
    /// </summary>
    private void CreditStallLocked(TimeSpan credit, long now)
    {
        var stamps = (long)(credit.Ticks * ((double)_time.TimestampFrequency / TimeSpan.TicksPerSecond));
        foreach (var entry in _leases.Values)
        {
            entry.RenewedStamp = Math.Min(entry.RenewedStamp + stamps, now);
            if (entry.SuspectSince is { } since)
            {
                entry.SuspectSince = Math.Min(since + stamps, now);
            }
        }
    }

    private MemberInstance EvictLocked(MemberEntry entry)
    {
        RemoveLocked(entry);
        var instance = entry.ToInstance();
        PublishLocked(MembershipChangeKind.Evicted, instance);
        return instance;
    }
}
