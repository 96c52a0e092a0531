using Grpc.Net.Client.Balancer;

namespace Roundabout.Client.Balancing;

/// <summary>
/// Power of two choices over least outstanding calls (Finagle, Linkerd): pick two different
/// random servers that are not ejected and send the call to the one with fewer calls in flight.
/// A slow server accumulates outstanding calls and so gets fewer new ones. grpc-dotnet has no
/// such policy, hence this picker.
/// </summary>
internal sealed class PowerOfTwoChoicesPicker : SubchannelPicker, IServerPicker
{
    private readonly Subchannel[] _subchannels;
    private readonly string[] _keys;
    private readonly CallTracker[] _trackers;
    private readonly ServerHealth _health;
    private readonly Random _random;

    public PowerOfTwoChoicesPicker(IReadOnlyList<Subchannel> ready, ServerHealth health, Random random)
    {
        _subchannels = [.. ready];
        _keys = [.. ready.Select(ServerAddresses.KeyOf)];
        _trackers = [.. _keys.Select(health.TrackerFor)];
        _health = health;
        health.SetReady(_keys);
        _random = random;
    }

    public IReadOnlyList<string> Servers => _keys;

    public override PickResult Pick(PickContext context)
    {
        var chosen = Choose();
        return PickResult.ForSubchannel(_subchannels[chosen], _trackers[chosen]);
    }

    private int Choose()
    {
        if (_subchannels.Length == 1)
        {
            return 0;
        }

        Span<int> eligible = stackalloc int[_subchannels.Length];
        var count = 0;
        var anyEjected = _health.AnyEjected;
        for (var i = 0; i < _subchannels.Length; i++)
        {
            if (!anyEjected || !_health.IsEjected(_keys[i]))
            {
                eligible[count++] = i;
            }
        }

        if (count == 0)
        {
            _health.NotePanic(_subchannels.Length);
            count = _subchannels.Length;
            for (var i = 0; i < count; i++)
            {
                eligible[i] = i;
            }
        }
        else if (anyEjected)
        {
            _health.NoteHealthyPick();
        }

        if (count == 1)
        {
            return eligible[0];
        }

        var a = _random.Next(count);
        var b = _random.Next(count - 1);
        if (b >= a)
        {
            b++;
        }

        var first = eligible[a];
        var second = eligible[b];
        return _health.Outstanding(_keys[second]) < _health.Outstanding(_keys[first]) ? second : first;
    }

    public override string ToString() => $"power of two choices over {string.Join(", ", _keys)}";
}
