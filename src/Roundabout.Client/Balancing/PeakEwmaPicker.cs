using Grpc.Net.Client.Balancer;

namespace Roundabout.Client.Balancing;

/// <summary>
/// Peak EWMA over the ready servers (Finagle, Linkerd): see <see cref="PeakEwmaChooser"/>. A slow
/// server is avoided before any of its calls fails, and one far slower than its peers is ejected
/// for a while (<see cref="ServerHealth"/>, latency).
/// </summary>
internal sealed class PeakEwmaPicker : SubchannelPicker, IServerPicker
{
    private readonly Subchannel[] _subchannels;
    private readonly string[] _keys;
    private readonly PeakEwmaChooser _chooser;

    public PeakEwmaPicker(IReadOnlyList<Subchannel> ready, ServerHealth health, Random random, TimeProvider time)
    {
        _subchannels = [.. ready];
        _keys = [.. ready.Select(ServerAddresses.KeyOf)];
        health.SetReady(_keys);
        _chooser = new PeakEwmaChooser(_keys, health, random, time);
    }

    public IReadOnlyList<string> Servers => _keys;

    public override PickResult Pick(PickContext context)
    {
        var chosen = _chooser.Choose();
        return PickResult.ForSubchannel(_subchannels[chosen], _chooser.TrackCall(chosen));
    }

    public override string ToString() => $"peak EWMA over {string.Join(", ", _keys)}";
}
