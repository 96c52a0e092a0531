using Grpc.Net.Client.Balancer;

namespace Roundabout.Client.Balancing;

/// <summary>
/// Round-robin over the ready servers in list order, starting with the first (as the exercise's
/// own client does: 9001, 9002, 9001, ...), plus what grpc-dotnet's round_robin picker lacks: it
/// skips ejected servers (unless all are ejected: panic mode, use them all) and reports each
/// call's outcome to <see cref="ServerHealth"/>.
/// </summary>
internal sealed class RoundRobinPicker : SubchannelPicker, IServerPicker
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

    public IReadOnlyList<string> Servers => _keys;

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
