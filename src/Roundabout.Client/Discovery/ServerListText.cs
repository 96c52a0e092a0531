namespace Roundabout.Client.Discovery;

/// <summary>A server list as log text, formatted only when the line is written.</summary>
internal readonly record struct ServerListText(IReadOnlyList<ServerInfo> Servers)
{
    public override string ToString() =>
        Servers.Count == 0 ? "none" : string.Join(", ", Servers.Select(s => s.Address));
}
