using Roundabout.Contracts;
using Roundabout.Contracts.Security;

namespace Roundabout.Client;

/// <summary>Settings of <see cref="RoundaboutDiscovery"/>: which registries to follow and how to balance over what they list.</summary>
public sealed class RoundaboutDiscoveryOptions
{
    /// <summary>The registries to ask, in order of preference; discovery fails over between them. Default: 127.0.0.1:8000.</summary>
    public IList<EndpointAddress> Registries { get; } = [EndpointAddress.Parse(DefaultPorts.RegistryAddress)];

    /// <summary>How a channel spreads calls over a service's instances. Default: round-robin.</summary>
    public BalancingPolicy Policy { get; set; } = BalancingPolicy.RoundRobin;

    /// <summary>When an instance that keeps failing calls is skipped for a while.</summary>
    public OutlierOptions Outliers { get; set; } = new();

    /// <summary>Dial the registries over TLS with these settings; null (the default) dials cleartext HTTP/2.</summary>
    public ClientTls? Tls { get; set; }

    /// <summary>The longest one call to a registry may take. Default: 5 s.</summary>
    public TimeSpan RegistryDeadline { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock of ejections and retries; tests give a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the meter comes from (an application's container); null creates one of its own.</summary>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; set; }

    /// <summary>Source of randomness for the balancers; shared by concurrent calls, so it must be thread-safe.</summary>
    public Random Random { get; set; } = Random.Shared;

    /// <summary>Parses <c>host:port[,host:port...]</c> into <see cref="Registries"/>, replacing the default.</summary>
    /// <exception cref="FormatException">An address is not host:port; the message says what is expected.</exception>
    public RoundaboutDiscoveryOptions UseRegistries(string addresses)
    {
        EndpointAddress.ParseListInto(Registries, addresses);
        return this;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Registries.Count == 0)
        {
            throw new ArgumentException("at least one registry address is required", nameof(Registries));
        }

        if (RegistryDeadline <= TimeSpan.Zero || RegistryDeadline > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentOutOfRangeException(nameof(RegistryDeadline), RegistryDeadline, "must be more than 0 and at most 5 minutes");
        }

        ArgumentNullException.ThrowIfNull(Outliers);
        Outliers.Validate();
    }
}
