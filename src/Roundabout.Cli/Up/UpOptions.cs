namespace Roundabout.Cli.Up;

internal sealed class UpOptions
{
    public int Servers { get; init; } = 2;

    public int RegistryPort { get; init; } = Contracts.DefaultPorts.Registry;

    public int DatabasePort { get; init; } = Contracts.DefaultPorts.Database;

    public int FirstServerPort { get; init; } = Contracts.DefaultPorts.Server;

    /// <summary>
    /// The registry's metrics port; the database takes the next one and the servers those after it
    /// (9464, the Prometheus exporters' customary port, 9465, 9466...).
    /// </summary>
    public int FirstMetricsPort { get; init; } = DefaultFirstMetricsPort;

    public const int DefaultFirstMetricsPort = 9464;

    public int RegistryMetricsPort => FirstMetricsPort;

    public int DatabaseMetricsPort => FirstMetricsPort + 1;

    public int ServerMetricsPort(int index) => FirstMetricsPort + 2 + index;

    /// <summary>The dashboard's web port; null starts no dashboard.</summary>
    public int? DashboardPort { get; init; } = Dashboard.DashboardOptions.DefaultPort;

    public string? DataDir { get; init; }

    public bool InMemory { get; init; }

    /// <summary>Run everything over TLS, with a CA made for this run.</summary>
    public bool Tls { get; init; }

    /// <summary>The client's balancing policy.</summary>
    public Client.BalancingPolicy Policy { get; init; } = Client.BalancingPolicy.RoundRobin;

    /// <summary>Up's own log format and level; with json, the children's lines are passed on as they are.</summary>
    public Hosting.LogSettings Log { get; init; } = new();

    /// <summary>--log-format and --log-level as given to up, handed on to every child.</summary>
    public IReadOnlyList<string> LogArgs { get; init; } = [];

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
