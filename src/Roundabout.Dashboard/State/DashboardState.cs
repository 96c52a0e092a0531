using Roundabout.Contracts.Registry.V1;
using Roundabout.Dashboard.Accumulators;

namespace Roundabout.Dashboard.State;

/// <summary>
/// What the dashboard knows of the system, fed by its samplers and read as immutable snapshots.
/// Every change bumps the version and wakes the page streams waiting for one.
/// </summary>
internal sealed class DashboardState
{
    private readonly Lock _gate = new();
    private readonly DashboardOptions _options;
    private readonly TimeProvider _time;
    private readonly List<Member> _members = [];
    private readonly Dictionary<string, HealthView> _health = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, TrafficView> _traffic = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<TimelineEntry> _timeline = new();
    private RegistryView _registry;
    private AccumulatorsView _accumulators;
    private ServicesView _services = ServicesView.Empty;
    private History.HistorySample? _latest;
    private bool _listed;
    private long _version;
    private TaskCompletionSource _changed = NewSignal();

    public DashboardState(DashboardOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _registry = new RegistryView(false, options.Registries[0].ToString(), 0, null, "connecting");
        _accumulators = new AccumulatorsView(false, AccumulatorSource.Database(options.Database).Description, true, [], false, null, "connecting");
    }

    public long Version
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    /// <summary>The addresses and metadata of the members now, for the samplers.</summary>
    public IReadOnlyList<Member> Members
    {
        get
        {
            lock (_gate)
            {
                return _members.ToArray();
            }
        }
    }

    public DashboardSnapshot Snapshot()
    {
        lock (_gate)
        {
            var members = _members.Select(m => new MemberView(
                m.Address,
                m.Metadata,
                m.RegisteredAt,
                m.LastRenewedAt,
                m.Suspect,
                _health.GetValueOrDefault(m.Address) ?? HealthView.Pending,
                _traffic.GetValueOrDefault(m.Address) ?? TrafficView.None)).ToArray();
            return new DashboardSnapshot(_version, _time.GetUtcNow(), _options.Service, _registry, members, _timeline.Reverse().ToArray(), _accumulators, _services, _latest);
        }
    }

    /// <summary>Completes when the version moves past <paramref name="seen"/>, or when the token is cancelled.</summary>
    public Task WaitForChangeAsync(long seen, CancellationToken cancellationToken)
    {
        Task signal;
        lock (_gate)
        {
            if (_version != seen)
            {
                return Task.CompletedTask;
            }

            signal = _changed.Task;
        }

        return signal.WaitAsync(cancellationToken);
    }

    /// <summary>A fresh list from the watch stream: the first one, or the first after a reconnect.</summary>
    public void ReplaceMembers(string registry, long revision, IEnumerable<Member> members)
    {
        lock (_gate)
        {
            var fresh = members.ToList();
            if (!_listed)
            {
                _listed = true;
                AddEventLocked(TimelineKinds.Listed, registry, revision, $"{fresh.Count} server(s)");
            }
            else
            {
                foreach (var gone in _members.Where(m => !fresh.Exists(f => Same(f, m))))
                {
                    AddEventLocked(TimelineKinds.Gone, gone.Address, revision, "missing from the registry's list after a reconnect");
                }

                foreach (var appeared in fresh.Where(f => !_members.Exists(m => Same(f, m))))
                {
                    AddEventLocked(TimelineKinds.Appeared, appeared.Address, revision, "new in the registry's list after a reconnect");
                }
            }

            _members.Clear();
            _members.AddRange(fresh);
            _registry = _registry with { Revision = revision };
            ForgetDepartedLocked();
            ChangedLocked();
        }
    }

    /// <summary>One change from the watch stream, in revision order.</summary>
    public void ApplyChange(ChangeKind kind, Member member, long revision)
    {
        lock (_gate)
        {
            var index = _members.FindIndex(m => Same(m, member));
            string? kindText;
            switch (kind)
            {
                case ChangeKind.Left:
                case ChangeKind.Evicted:
                    if (index >= 0)
                    {
                        _members.RemoveAt(index);
                    }

                    kindText = kind == ChangeKind.Left ? TimelineKinds.Left : TimelineKinds.Evicted;
                    break;
                case ChangeKind.Joined:
                case ChangeKind.Updated:
                    var wasSuspect = index >= 0 && _members[index].Suspect;
                    if (index >= 0)
                    {
                        _members[index] = member;
                    }
                    else
                    {
                        _members.Add(member);
                    }

                    kindText = kind == ChangeKind.Joined ? TimelineKinds.Joined
                        : member.Suspect && !wasSuspect ? TimelineKinds.Suspect
                        : TimelineKinds.Updated;
                    break;
                default:
                    kindText = null;
                    break;
            }

            if (kindText is not null)
            {
                AddEventLocked(kindText, member.Address, revision, null);
            }

            _registry = _registry with { Revision = revision };
            ForgetDepartedLocked();
            ChangedLocked();
        }
    }

    /// <summary>Renewal times and suspect marks from a fresh ListInstances; membership itself follows the watch.</summary>
    public void RefreshRenewals(IEnumerable<Member> listed)
    {
        lock (_gate)
        {
            var changed = false;
            foreach (var fresh in listed)
            {
                var index = _members.FindIndex(m => Same(m, fresh));
                if (index >= 0 && _members[index] != fresh)
                {
                    _members[index] = _members[index] with { LastRenewedAt = fresh.LastRenewedAt, Suspect = fresh.Suspect };
                    changed = true;
                }
            }

            if (changed)
            {
                ChangedLocked();
            }
        }
    }

    public void RegistryReachable(string registry)
    {
        lock (_gate)
        {
            if (_registry.Reachable && _registry.Address == registry)
            {
                return;
            }

            if (_registry.Since is not null)
            {
                AddEventLocked(TimelineKinds.RegistryBack, registry, _registry.Revision, null);
            }

            _registry = _registry with { Reachable = true, Address = registry, Since = _time.GetUtcNow(), Error = null };
            ChangedLocked();
        }
    }

    /// <summary>How long the registry took to answer the last ListInstances.</summary>
    public void RegistryRoundTrip(double milliseconds)
    {
        lock (_gate)
        {
            _registry = _registry with { RoundTripMs = milliseconds };
        }
    }

    public void SetServices(IReadOnlyList<ServiceView> services, bool truncated)
    {
        lock (_gate)
        {
            _services = new ServicesView(services, truncated, _time.GetUtcNow(), null);
            ChangedLocked();
        }
    }

    /// <summary>The registry did not list its services: the last list stays, marked as such.</summary>
    public void ServicesUnreadable(string error)
    {
        lock (_gate)
        {
            if (_services.Error == error)
            {
                return;
            }

            _services = _services with { Error = error };
            ChangedLocked();
        }
    }

    /// <summary>The history's newest points, sent with the next snapshots so open pages extend their charts.</summary>
    public void SetLatestSample(History.HistorySample sample)
    {
        lock (_gate)
        {
            _latest = sample;
            ChangedLocked();
        }
    }

    public void RegistryUnreachable(string registry, string error)
    {
        lock (_gate)
        {
            if (!_registry.Reachable && _registry.Error == error && _registry.Address == registry)
            {
                return;
            }

            if (_registry.Reachable)
            {
                AddEventLocked(TimelineKinds.RegistryLost, registry, _registry.Revision, error);
                _registry = _registry with { Since = _time.GetUtcNow() };
            }

            _registry = _registry with { Reachable = false, Address = registry, Since = _registry.Since ?? _time.GetUtcNow(), Error = error };
            ChangedLocked();
        }
    }

    public void SetHealth(IReadOnlyDictionary<string, HealthView> results)
    {
        lock (_gate)
        {
            foreach (var (address, health) in results)
            {
                if (_members.Exists(m => string.Equals(m.Address, address, StringComparison.OrdinalIgnoreCase)))
                {
                    _health[address] = health;
                }
            }

            ChangedLocked();
        }
    }

    public void SetTraffic(IReadOnlyDictionary<string, TrafficView> results)
    {
        lock (_gate)
        {
            foreach (var (address, traffic) in results)
            {
                if (_members.Exists(m => string.Equals(m.Address, address, StringComparison.OrdinalIgnoreCase)))
                {
                    _traffic[address] = traffic;
                }
            }

            ChangedLocked();
        }
    }

    public void SetAccumulators(AccumulatorSource source, IReadOnlyList<AccumulatorView> items, bool truncated, double? roundTripMs = null)
    {
        lock (_gate)
        {
            _accumulators = _accumulators with
            {
                Reachable = true, Source = source.Description, Listed = source.Listed, Items = items, Truncated = truncated, ReadAt = _time.GetUtcNow(), Error = null,
                RoundTripMs = roundTripMs,
            };
            ChangedLocked();
        }
    }

    /// <summary>The store (or every server, when read through them) did not answer: the last values stay, marked as such.</summary>
    public void AccumulatorsUnreachable(AccumulatorSource source, string error)
    {
        lock (_gate)
        {
            if (!_accumulators.Reachable && _accumulators.Error == error && _accumulators.Source == source.Description)
            {
                return;
            }

            _accumulators = _accumulators with { Reachable = false, Source = source.Description, Listed = source.Listed, Error = error };
            ChangedLocked();
        }
    }

    private void AddEventLocked(string kind, string address, long revision, string? detail)
    {
        _timeline.Enqueue(new TimelineEntry(_time.GetUtcNow(), kind, address, revision, detail));
        while (_timeline.Count > _options.TimelineLength)
        {
            _timeline.Dequeue();
        }
    }

    /// <summary>Samples of servers that are no longer members are dropped, so a returning server starts fresh.</summary>
    private void ForgetDepartedLocked()
    {
        foreach (var address in _health.Keys.Concat(_traffic.Keys).Distinct(StringComparer.OrdinalIgnoreCase).ToArray())
        {
            if (!_members.Exists(m => string.Equals(m.Address, address, StringComparison.OrdinalIgnoreCase)))
            {
                _health.Remove(address);
                _traffic.Remove(address);
            }
        }
    }

    private void ChangedLocked()
    {
        _version++;
        var signal = _changed;
        _changed = NewSignal();
        signal.TrySetResult();
    }

    private static bool Same(Member a, Member b) => string.Equals(a.Address, b.Address, StringComparison.OrdinalIgnoreCase);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
