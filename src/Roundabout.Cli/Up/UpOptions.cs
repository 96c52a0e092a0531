namespace Roundabout.Cli.Up;

internal sealed class UpOptions
{
    public int Servers { get; init; } = 2;

    public int RegistryPort { get; init; } = Contracts.DefaultPorts.Registry;

    public int DatabasePort { get; init; } = Contracts.DefaultPorts.Database;

    public int FirstServerPort { get; init; } = Contracts.DefaultPorts.Server;

    /// <summary>The dashboard's web port; null starts no dashboard.</summary>
    public int? DashboardPort { get; init; } = Dashboard.DashboardOptions.DefaultPort;

    public string? DataDir { get; init; }

    public bool InMemory { get; init; }

    /// <summary>Extra arguments for the client, such as --policy p2c.</summary>
    public IReadOnlyList<string> ClientArgs { get; init; } = [];

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
