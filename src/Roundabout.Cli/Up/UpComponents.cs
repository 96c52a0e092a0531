using Roundabout.Cli.Launch;
using Roundabout.Contracts;

namespace Roundabout.Cli.Up;

/// <summary>The command line of each component <c>up</c> starts, from its options: each on its port, with its metrics port, TLS and up's log options.</summary>
internal sealed class UpComponents(UpOptions options, ClusterTls? tls)
{
    private EndpointAddress RegistryAddress => new("localhost", options.RegistryPort);

    private EndpointAddress DatabaseAddress => new("localhost", options.DatabasePort);

    /// <summary>The width of the longest name, so that every line's text starts in the same column.</summary>
    public int NameWidth => Math.Max($"server-{options.FirstServerPort + options.Servers - 1}".Length, options.DashboardPort is null ? 0 : "dashboard".Length);

    public RegistryArgs Registry => new() { Port = options.RegistryPort, MetricsPort = options.RegistryMetricsPort, Tls = tls, Extra = options.LogArgs };

    public DatabaseArgs Database => new()
    {
        Port = options.DatabasePort,
        MetricsPort = options.DatabaseMetricsPort,
        InMemory = options.InMemory,
        DataDir = options.DataDir,
        Tls = tls,
        Extra = options.LogArgs,
    };

    public IEnumerable<(string Name, ServerArgs Args)> Servers => Enumerable.Range(0, options.Servers).Select(i => (
        $"server-{options.FirstServerPort + i}",
        new ServerArgs
        {
            Port = options.FirstServerPort + i,
            MetricsPort = options.ServerMetricsPort(i),
            Registry = RegistryAddress,
            Database = DatabaseAddress,
            Tls = tls,
            Extra = options.LogArgs,
        }));

    /// <summary>The dashboard, unless up was asked for none.</summary>
    public DashboardArgs? Dashboard => options.DashboardPort is { } port
        ? new DashboardArgs { Port = port, Registry = RegistryAddress, Database = DatabaseAddress, Tls = tls, Extra = options.LogArgs }
        : null;

    /// <summary>Each component's metrics endpoint, named.</summary>
    public IEnumerable<string> MetricsUrls()
    {
        yield return $"registry http://127.0.0.1:{options.RegistryMetricsPort}/metrics";
        yield return $"database http://127.0.0.1:{options.DatabaseMetricsPort}/metrics";
        for (var i = 0; i < options.Servers; i++)
        {
            yield return $"server-{options.FirstServerPort + i} http://127.0.0.1:{options.ServerMetricsPort(i)}/metrics";
        }
    }

    public static string DashboardUrl(int port) => $"http://127.0.0.1:{port}/";
}
