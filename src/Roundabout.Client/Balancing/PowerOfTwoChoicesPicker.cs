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
        var (first, second) = TwoRandomChoices.Draw(_keys, _health, _random);
        return second >= 0 && Volatile.Read(ref _trackers[second].Outstanding) < Volatile.Read(ref _trackers[first].Outstanding) ? second : first;
    }

    public override string ToString() => $"power of two choices over {string.Join(", ", _keys)}";
}
