namespace Roundabout.Testing;

/// <summary>
/// The values of the <c>Tier</c> trait every test class carries, so a run can pick a tier:
/// <c>dotnet test --filter Tier=unit</c> runs the unit tests alone, in seconds.
/// </summary>
public static class Tier
{
    /// <summary>The trait's name: <c>[Trait(Tier.Name, Tier.Unit)]</c>.</summary>
    public const string Name = "Tier";

    /// <summary>No socket, no process, no real time: objects in memory, fake clocks.</summary>
    public const string Unit = "unit";

    /// <summary>Real hosts in the test process on loopback ports (registry, database, servers, fakes).</summary>
    public const string Host = "host";

    /// <summary>Real child processes: the roundabout executable, etcd, Redis; killed and paused for real.</summary>
    public const string Process = "process";
}
