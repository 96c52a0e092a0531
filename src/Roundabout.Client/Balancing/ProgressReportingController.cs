using Grpc.Net.Client.Balancer;

namespace Roundabout.Client.Balancing;

/// <summary>
/// The channel's controller as the balancer sees it, reporting to <see cref="ConnectionProgress"/>
/// each picker the channel installs and each connection's state. A picker counts once it is
/// installed, so a call released after that is balanced over every connected server.
/// </summary>
internal sealed class ProgressReportingController(IChannelControlHelper inner, ConnectionProgress progress) : IChannelControlHelper
{
    public Subchannel CreateSubchannel(SubchannelOptions options)
    {
        var subchannel = inner.CreateSubchannel(options);
        var server = ServerAddresses.KeyOf(subchannel);
        subchannel.OnStateChanged(state => progress.StateChanged(server, state.State));
        return subchannel;
    }

    public void UpdateState(BalancerState state)
    {
        inner.UpdateState(state);
        progress.PickerInstalled(state.Picker is IServerPicker picker ? picker.Servers : []);
    }

    public void RefreshResolver() => inner.RefreshResolver();
}
