using Grpc.Net.Client.Balancer;

namespace Roundabout.Client.Balancing;

/// <summary>
/// Round-robin over the ready servers, as grpc-dotnet's own round_robin picker does (a random start,
/// then the next server per call), plus what that picker lacks: it skips ejected servers (unless
/// all are ejected: panic mode, use them all) and reports each call's outcome to <see cref="ServerHealth"/>.
/// </summary>
internal sealed class RoundRobinPicker : SubchannelPicker
{
    private readonly Subchannel[] _subchannels;
    private readonly string[] _keys;
    private readonly CallTracker[] _trackers;
    private readonly ServerHealth _health;
    private long _next;

    public RoundRobinPicker(IReadOnlyList<Subchannel> ready, ServerHealth health, int start)
    {
        _subchannels = [.. ready];
        _keys = [.. ready.Select(ServerAddresses.KeyOf)];
        _trackers = [.. _keys.Select(health.TrackerFor)];
        _health = health;
        health.SetReady(_keys);
        _next = start - 1;
    }

    public override PickResult Pick(PickContext context)
    {
        var count = _subchannels.Length;
        var first = (int)((ulong)Interlocked.Increment(ref _next) % (ulong)count);
        var chosen = first;
        if (_health.AnyEjected)
        {
            chosen = -1;
            for (var i = 0; i < count; i++)
            {
                var candidate = (first + i) % count;
                if (!_health.IsEjected(_keys[candidate]))
                {
                    chosen = candidate;
                    break;
                }
            }

            if (chosen < 0)
            {
                _health.NotePanic(count);
                chosen = first;
            }
            else
            {
                _health.NoteHealthyPick();
            }
        }

        return PickResult.ForSubchannel(_subchannels[chosen], _trackers[chosen]);
    }

    public override string ToString() => $"round-robin over {string.Join(", ", _keys)}";
}
