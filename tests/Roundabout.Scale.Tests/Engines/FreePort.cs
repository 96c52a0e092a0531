using System.Net;
using System.Net.Sockets;

namespace Roundabout.Scale.Tests.Engines;

/// <summary>A loopback port that was free a moment ago, for engines that cannot be told to pick their own.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
