using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Roundabout.Testing;

/// <summary>
/// Ports for a process that must be told its port before it binds it (an engine, <c>up</c>).
/// They come from below the kernel's ephemeral range, so no port-0 listener and no outgoing
/// connection on this machine can take them between the check and the bind; each is checked free,
/// and never handed out twice by one test run.
/// </summary>
public static class FreePorts
{
    private const int Lowest = 20_000;
    private static readonly HashSet<int> _handedOut = [];

    /// <summary>One free port.</summary>
    public static int Next() => Block(1);

    /// <summary>The first of <paramref name="count"/> consecutive free ports.</summary>
    public static int Block(int count)
    {
        var highest = EphemeralLow() - count;
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var first = Random.Shared.Next(Lowest, highest);
            var ports = Enumerable.Range(first, count).ToArray();
            lock (_handedOut)
            {
                if (ports.Any(_handedOut.Contains) || !ports.All(IsFree))
                {
                    continue;
                }

                _handedOut.UnionWith(ports);
                return first;
            }
        }

        throw new InvalidOperationException($"Found no {count} consecutive free ports between {Lowest} and {highest}.");
    }

    /// <summary>True when nothing listens on the port on 127.0.0.1.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>True when something accepts connections on the port on 127.0.0.1.</summary>
    public static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int EphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return Math.Max(Lowest + 1_000, int.Parse(range[0], CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return 32_768;
        }
    }
}
