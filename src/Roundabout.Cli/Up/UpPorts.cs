using System.Net;
using System.Net.Sockets;
using Roundabout.Cli.Launch;

namespace Roundabout.Cli.Up;

/// <summary>Every port <c>up</c> needs, checked before anything starts, so a busy one stops it with nothing left running.</summary>
internal static class UpPorts
{
    public static void CheckFree(UpOptions options)
    {
        var ports = Needed(options).ToList();
        var clash = ports.GroupBy(p => p.Port).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            throw new LaunchFailedException($"Port {clash.Key} is given to both {string.Join(" and ", clash.Select(c => c.What))}; choose different ports.");
        }

        foreach (var (port, what, option) in ports)
        {
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
            }
            catch (SocketException)
            {
                throw new LaunchFailedException($"Port {port} for {what} is already in use; nothing was started. Stop what holds it or choose another port with {option}.");
            }
        }
    }

    private static IEnumerable<(int Port, string What, string Option)> Needed(UpOptions options)
    {
        yield return (options.RegistryPort, "the registry", "--registry-port");
        yield return (options.DatabasePort, "the database", "--database-port");
        for (var i = 0; i < options.Servers; i++)
        {
            yield return (options.FirstServerPort + i, $"server-{options.FirstServerPort + i}", "--first-server-port");
        }

        yield return (options.RegistryMetricsPort, "the registry's metrics", "--first-metrics-port");
        yield return (options.DatabaseMetricsPort, "the database's metrics", "--first-metrics-port");
        for (var i = 0; i < options.Servers; i++)
        {
            yield return (options.ServerMetricsPort(i), $"server-{options.FirstServerPort + i}'s metrics", "--first-metrics-port");
        }

        if (options.DashboardPort is { } dashboardPort)
        {
            yield return (dashboardPort, "the dashboard", "--dashboard-port (or --no-dashboard)");
        }
    }
}
