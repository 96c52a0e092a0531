using Roundabout.Contracts;
using Roundabout.Contracts.Security;

namespace Roundabout.Registration;

/// <summary>What a server registers, and with which registries.</summary>
public sealed class RegistrationOptions
{
    /// <summary>The registries, in order of preference; the agent fails over to the next when one cannot be reached.</summary>
    public required IReadOnlyList<EndpointAddress> Registries { get; init; }

    /// <summary>The service to register under. Default: calculator.</summary>
    public string Service { get; init; } = ServiceNames.Calculator;

    /// <summary>The registry's shared token, sent as <c>authorization: Bearer &lt;token&gt;</c>.</summary>
    public string? Token { get; init; }

    /// <summary>Dial the registries over TLS with these settings; null dials cleartext.</summary>
    public ClientTls? Tls { get; init; }

    /// <summary>The longest one call to a registry may take. Default: 5 s.</summary>
    public TimeSpan CallDeadline { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The first wait after a failed attempt to reach a registry; it doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan InitialRetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between two attempts to reach a registry while none answers. Default: 5 s.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The renew interval used if a registry does not say one.</summary>
    public TimeSpan FallbackRenewInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between reconnection attempts to a registry that went away.</summary>
    public TimeSpan MaxReconnectBackoff { get; init; } = TimeSpan.FromMilliseconds(250);
}
