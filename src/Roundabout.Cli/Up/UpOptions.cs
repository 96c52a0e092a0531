namespace Roundabout.Cli.Up;

internal sealed class UpOptions
{
    public int Servers { get; init; } = 2;

    public int RegistryPort { get; init; } = Contracts.DefaultPorts.Registry;

    public int DatabasePort { get; init; } = Contracts.DefaultPorts.Database;

    public int FirstServerPort { get; init; } = Contracts.DefaultPorts.Server;

    public string? DataDir { get; init; }

    public bool InMemory { get; init; }

    /// <summary>Run everything over TLS, with a CA made for this run.</summary>
    public bool Tls { get; init; }

    /// <summary>Extra arguments for the client, such as --policy p2c.</summary>
    public IReadOnlyList<string> ClientArgs { get; init; } = [];

    /// <summary>Up's own log format and level; with json, the children's lines are passed on as they are.</summary>
    public Hosting.LogSettings Log { get; init; } = new();

    /// <summary>--log-format and --log-level as given to up, handed on to every child.</summary>
    public IReadOnlyList<string> LogArgs { get; init; } = [];

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
