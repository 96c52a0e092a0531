using System.Runtime.CompilerServices;

namespace Roundabout.Registry.Membership;

internal sealed partial class InMemoryMembershipBackend
{
    private readonly Dictionary<string, List<MembershipWatcher>> _watchers = new(StringComparer.Ordinal);
    private int _watcherCount;

    public async IAsyncEnumerable<MembershipEvent> WatchAsync(string service, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var watcher = new MembershipWatcher(_options.WatchBufferCapacity);
        SnapshotEvent first;
        lock (_gate)
        {
            if (_watcherCount >= _options.MaxWatchers)
            {
                throw new MembershipLimitException($"{_options.MaxWatchers} watches are already open; close some or poll ListInstances");
            }

            first = new SnapshotEvent(_revision, InstancesLocked(service));
            if (!_watchers.TryGetValue(service, out var list))
            {
                list = [];
                _watchers.Add(service, list);
            }

            list.Add(watcher);
            _watcherCount++;
        }

        try
        {
            yield return first;
            while (true)
            {
                var next = await watcher.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (next is null)
                {
                    // The watcher fell behind and missed changes: start it again from the present.
                    lock (_gate)
                    {
                        watcher.Reset();
                        next = new SnapshotEvent(_revision, InstancesLocked(service));
                    }
                }

                yield return next;
            }
        }
        finally
        {
            lock (_gate)
            {
                var list = _watchers[service];
                list.Remove(watcher);
                if (list.Count == 0)
                {
                    _watchers.Remove(service);
                }

                _watcherCount--;
            }
        }
    }

    /// <summary>Counts one change and hands it to the service's watchers; called under the lock.</summary>
    private void PublishLocked(MembershipChangeKind kind, MemberInstance instance)
    {
        _revision++;
        if (_watchers.TryGetValue(instance.Service, out var list))
        {
            var change = new ChangeEvent(_revision, kind, instance);
            foreach (var watcher in list)
            {
                watcher.Offer(change);
            }
        }
    }
}
