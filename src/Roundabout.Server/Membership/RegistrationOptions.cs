using Roundabout.Contracts;

namespace Roundabout.Server.Membership;

/// <summary>What a server registers, and with which registries.</summary>
public sealed class RegistrationOptions
{
    public required IReadOnlyList<EndpointAddress> Registries { get; init; }

    public string Service { get; init; } = ServiceNames.Calculator;

    public string? Token { get; init; }

    public TimeSpan CallDeadline { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The first wait after a failed attempt to reach a registry; it doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan InitialRetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);
}
