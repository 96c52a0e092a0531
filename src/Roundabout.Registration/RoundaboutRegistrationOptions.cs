using Roundabout.Contracts;
using Roundabout.Contracts.Security;

namespace Roundabout.Registration;

/// <summary>How an ASP.NET Core app registers itself (see <c>AddRoundaboutRegistration</c>).</summary>
public sealed class RoundaboutRegistrationOptions
{
    /// <summary>The name clients ask for (<c>roundabout:///orders</c>, <c>http://orders</c>).</summary>
    public string Service { get; set; } = "";

    /// <summary>The registries, in order of preference. Default: 127.0.0.1:8000.</summary>
    public IList<EndpointAddress> Registries { get; } = [EndpointAddress.Parse(DefaultPorts.RegistryAddress)];

    /// <summary>The registry's shared token, when it has one.</summary>
    public string? Token { get; set; }

    /// <summary>Dial the registries over TLS with these settings; null dials cleartext.</summary>
    public ClientTls? Tls { get; set; }

    /// <summary>
    /// The host name registered for addresses bound to every interface (<c>0.0.0.0</c>, <c>[::]</c>,
    /// <c>*</c>, <c>+</c>). Default: null, which registers the machine's host name. Addresses bound
    /// to one host are registered as bound.
    /// </summary>
    public string? AdvertiseHost { get; set; }

    /// <summary>Metadata registered with every instance (shown by <c>roundabout servers</c>); <c>scheme</c> is added for each address.</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// How often the app's health checks run (when any are registered with <c>AddHealthChecks</c>).
    /// While they report Unhealthy, the app is out of the registry. Default: 2 s.
    /// </summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Parses <c>host:port[,host:port...]</c> into <see cref="Registries"/>, replacing the default.</summary>
    /// <exception cref="FormatException">An address is not host:port; the message says what is expected.</exception>
    public RoundaboutRegistrationOptions UseRegistries(string addresses)
    {
        EndpointAddress.ParseListInto(Registries, addresses);
        return this;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Service))
        {
            throw new ArgumentException("the service name is empty: pass the name clients will ask for, for example AddRoundaboutRegistration(\"orders\")", nameof(Service));
        }

        if (Service.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{Service}' is not a service name: it must not contain '/'", nameof(Service));
        }

        if (Registries.Count == 0)
        {
            throw new ArgumentException("at least one registry address is required", nameof(Registries));
        }

        if (AdvertiseHost is not null && Uri.CheckHostName(AdvertiseHost) == UriHostNameType.Unknown)
        {
            throw new ArgumentException($"'{AdvertiseHost}' is not a valid host name to advertise", nameof(AdvertiseHost));
        }

        if (HealthCheckInterval < TimeSpan.FromMilliseconds(100) || HealthCheckInterval > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(HealthCheckInterval), HealthCheckInterval, "must be from 100 ms to 1 hour");
        }
    }
}
