using System.Globalization;

namespace Roundabout.Server.Faults;

/// <summary>
/// Faults a server injects into its own Calculator calls, to learn from: a delay on some or all
/// calls, and a share of calls that fail with Unavailable. Off unless set; a server with faults
/// says so in a warning at start and in its registry metadata (<see cref="Contracts.MetadataKeys.Faults"/>).
/// </summary>
public sealed class FaultOptions
{
    /// <summary>The longest delay that can be injected.</summary>
    public static readonly TimeSpan MaxLatency = TimeSpan.FromMinutes(1);

    /// <summary>The delay added to calls, or null for none.</summary>
    public InjectedLatency? Latency { get; init; }

    /// <summary>The share of calls (0 to 1) that fail with Unavailable; 0 for none.</summary>
    public double ErrorRate { get; init; }

    /// <summary>Where the dice come from; tests pass a seeded one. Shared by concurrent calls, so it must be thread-safe.</summary>
    public Random Random { get; init; } = Random.Shared;

    public bool Any => Latency is not null || ErrorRate > 0;

    /// <summary>The faults as registered and logged: <c>latency:2s@0.1,errors:0.05</c>; empty when there are none.</summary>
    public string Describe()
    {
        var parts = new List<string>(2);
        if (Latency is { } latency)
        {
            parts.Add($"latency:{latency}");
        }

        if (ErrorRate > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"errors:{ErrorRate:0.####}"));
        }

        return string.Join(',', parts);
    }

    public void Validate()
    {
        if (Latency is { } latency)
        {
            latency.Validate();
        }

        if (double.IsNaN(ErrorRate) || ErrorRate is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ErrorRate), ErrorRate, "The injected error rate must be from 0 to 1, for example 0.05.");
        }
    }
}
