using System.Globalization;

namespace Roundabout.Client.Balancing;

/// <summary>What the balancer knows of one server.</summary>
internal enum ServerState
{
    /// <summary>Connected, and its last call did not fail.</summary>
    Ready,

    /// <summary>Its last call failed.</summary>
    Failed,

    /// <summary>Left out of the picks for a while after failing calls in a row.</summary>
    Ejected,

    /// <summary>No connection to it (it may never have had a call).</summary>
    NotConnected,
}

internal sealed partial class ServerHealth
{
    public ServerState StateOf(string address)
    {
        var known = _entries.TryGetValue(address, out var entry);
        if (known && _time.GetUtcNow().UtcTicks < Volatile.Read(ref entry!.EjectedUntilTicks))
        {
            return ServerState.Ejected;
        }

        if (known && Volatile.Read(ref entry!.ConsecutiveFailures) > 0)
        {
            return ServerState.Failed;
        }

        return Volatile.Read(ref _ready).Contains(address) ? ServerState.Ready : ServerState.NotConnected;
    }

    /// <summary>True when each of <paramref name="servers"/> failed its last call or is ejected: not merely unconnected.</summary>
    public bool EveryOneFailed(IReadOnlyList<ServerInfo> servers) =>
        servers.Count > 0 && servers.All(s => StateOf(s.Address) is ServerState.Failed or ServerState.Ejected);

    /// <summary>Each server and its state, for a log line: "127.0.0.1:9002 failed its last 2 calls, 127.0.0.1:9001 not connected".</summary>
    public string Describe(IReadOnlyList<ServerInfo> servers) => string.Join(", ", servers.Select(s => $"{s.Address} {DescribeOne(s.Address)}"));

    private string DescribeOne(string address) => StateOf(address) switch
    {
        ServerState.Failed when _entries.TryGetValue(address, out var entry) && Volatile.Read(ref entry.ConsecutiveFailures) is > 1 and var n =>
            string.Create(CultureInfo.InvariantCulture, $"failed its last {n} calls"),
        ServerState.Failed => "failed its last call",
        ServerState.Ejected => "ejected",
        ServerState.NotConnected => "not connected",
        _ => "ready",
    };
}
