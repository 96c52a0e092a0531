namespace Roundabout.Server;

/// <summary>The address this server registers and names in its replies; known once the port is bound.</summary>
public sealed class ServerIdentity
{
    private string _address = "unknown";

    public string Address => Volatile.Read(ref _address);

    internal void Set(string address) => Volatile.Write(ref _address, address);
}
