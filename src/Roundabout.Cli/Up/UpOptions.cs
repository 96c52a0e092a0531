namespace Roundabout.Cli.Up;

internal sealed class UpOptions
{
    public int Servers { get; init; } = 2;

    public int RegistryPort { get; init; } = Contracts.DefaultPorts.Registry;

    public int DatabasePort { get; init; } = Contracts.DefaultPorts.Database;

    public int FirstServerPort { get; init; } = Contracts.DefaultPorts.Server;

    public string? DataDir { get; init; }

    public bool InMemory { get; init; }

    /// <summary>The client's balancing policy.</summary>
    public Client.BalancingPolicy Policy { get; init; } = Client.BalancingPolicy.RoundRobin;

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
