using System.Net;
using Roundabout.Contracts;
using Roundabout.Hosting;

namespace Roundabout.Server;

/// <summary>How a calculation server listens, advertises itself, and where its registry and state live.</summary>
public sealed class ServerHostOptions
{
    /// <summary>The interface to bind; loopback unless opened with --listen.</summary>
    public IPAddress Listen { get; init; } = IPAddress.Loopback;

    /// <summary>The port; 0 picks a free one.</summary>
    public int Port { get; init; } = DefaultPorts.Server;

    /// <summary>The log format and level.</summary>
    public LogSettings Log { get; init; } = new();

    /// <summary>The HTTP/1.1 port serving Prometheus metrics at /metrics; null leaves metrics off.</summary>
    public int? MetricsPort { get; init; }

    /// <summary>Tracing asked for in code (tests): on, to these exporters, even without an OTLP endpoint.</summary>
    public Hosting.Telemetry.TracingOptions? Tracing { get; init; }

    /// <summary>The host name the server registers, so clients dial {AdvertiseHost}:{port}.</summary>
    public string AdvertiseHost { get; init; } = "localhost";

    /// <summary>The registries to register with, tried in order.</summary>
    public IReadOnlyList<EndpointAddress> Registry { get; init; } = [EndpointAddress.Parse(DefaultPorts.RegistryAddress)];

    /// <summary>The embedded database that holds the accumulators, unless <see cref="Store"/> names another engine.</summary>
    public EndpointAddress Database { get; init; } = EndpointAddress.Parse(DefaultPorts.DatabaseAddress);

    /// <summary>Where the accumulators live; null means the embedded database at <see cref="Database"/>.</summary>
    public StoreAddress? Store { get; init; }

    /// <summary>The store in effect: <see cref="Store"/>, or the embedded database at <see cref="Database"/>.</summary>
    public StoreAddress EffectiveStore => Store ?? StoreAddress.Embedded(Database);

    /// <summary>The service name to register as.</summary>
    public string Service { get; init; } = ServiceNames.Calculator;

    /// <summary>The registry's shared token, when it requires one; with it set, the server's own writes (Reset) need it too.</summary>
    public string? Token { get; init; }

    /// <summary>The database's shared token, sent on every call to the embedded database when set.</summary>
    public string? DatabaseToken { get; init; }

    /// <summary>Serve HTTP/2 over TLS with this certificate (mutual TLS when it has client CAs); null serves cleartext.</summary>
    public Hosting.ServerTls? Tls { get; init; }

    /// <summary>Dial the registry and the embedded database over TLS with these settings; null dials cleartext.</summary>
    public Contracts.Security.ClientTls? DialTls { get; init; }

    /// <summary>Metadata registered with the instance (for example version and weight).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>How long a Multiply's request id is remembered, so that a retry is not applied twice.</summary>
    public TimeSpan DedupeWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a client session's record on an accumulator outlives the session's last multiply
    /// there. A client's retries end within its deadline (at most an hour), so a record can not
    /// expire while a retry of one of its calls may still come.
    /// </summary>
    public TimeSpan SessionTtl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The deadline of each call the server makes to its registry or database.</summary>
    public TimeSpan CallDeadline { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The most multiplies of one accumulator this server combines into one store write; 1 turns
    /// combining off (every multiply is its own write).
    /// </summary>
    public int MultiplyBatch { get; init; } = DefaultMultiplyBatch;

    /// <summary>
    /// For teaching only: Multiply reads, multiplies and writes back with a plain Put, with no
    /// compare and no dedupe, so concurrent multiplies lose updates. Only on the embedded database.
    /// </summary>
    public bool UnsafeMultiply { get; init; }

    /// <summary>Faults injected into this server's Calculator calls, to learn from (off by default).</summary>
    public Faults.FaultOptions Faults { get; init; } = new();

    /// <summary>The default of <see cref="MultiplyBatch"/>, and its ceiling: the database takes at most 128 ops in one transaction.</summary>
    public const int DefaultMultiplyBatch = 128;

    public void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "The port must be from 0 to 65535.");
        }

        if (MetricsPort is < 0 or > 65535 || (MetricsPort == Port && Port != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MetricsPort), MetricsPort, "The metrics port must be from 0 to 65535 and differ from the gRPC port.");
        }

        if (Uri.CheckHostName(AdvertiseHost) == UriHostNameType.Unknown)
        {
            throw new ArgumentException($"'{AdvertiseHost}' is not a valid host name to advertise.", nameof(AdvertiseHost));
        }

        if (Registry.Count == 0)
        {
            throw new ArgumentException("At least one registry address is required.", nameof(Registry));
        }

        if (Store is { Endpoints.Count: 0 } || Store is { Kind: StoreKind.Embedded, Endpoints.Count: > 1 })
        {
            throw new ArgumentException($"The store '{Store}' needs one address for the embedded database, or at least one for Redis or etcd.", nameof(Store));
        }

        if (UnsafeMultiply && EffectiveStore.Kind != StoreKind.Embedded)
        {
            throw new ArgumentException($"--unsafe-multiply works only on the embedded database, not on {EffectiveStore}: it exists to show what the atomic multiply protects against.", nameof(UnsafeMultiply));
        }

        if (MultiplyBatch is < 1 or > DefaultMultiplyBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(MultiplyBatch), MultiplyBatch, $"The multiply batch must be from 1 (no combining) to {DefaultMultiplyBatch}.");
        }

        if (DedupeWindow <= TimeSpan.Zero || CallDeadline <= TimeSpan.Zero || SessionTtl <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(DedupeWindow), "The dedupe window, the session TTL and the call deadline must be positive.");
        }

        Faults.Validate();
    }
}
