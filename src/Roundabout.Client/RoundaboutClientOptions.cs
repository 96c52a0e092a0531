using Roundabout.Contracts;
using Roundabout.Contracts.Security;

namespace Roundabout.Client;

/// <summary>Settings of a client session. Defaults suit the exercise's local setup.</summary>
public sealed class RoundaboutClientOptions
{
    /// <summary>The registries to ask, in order of preference; the client fails over between them.</summary>
    public IReadOnlyList<EndpointAddress> Registries { get; set; } = [EndpointAddress.Parse(DefaultPorts.RegistryAddress)];

    /// <summary>The service whose instances the client balances over.</summary>
    public string Service { get; set; } = ServiceNames.Calculator;

    /// <summary>How calls are spread over the cached servers. Default: round-robin, the exercise's.</summary>
    public BalancingPolicy Policy { get; set; } = BalancingPolicy.RoundRobin;

    /// <summary>Follow the registry's watch stream instead of keeping the list fetched at start.</summary>
    public bool Watch { get; set; }

    /// <summary>The time one logical call may take, every retry included. Default: 5 s.</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The time one attempt on one server may take before the call moves on to another. Default: 2 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Attempts that reach a server per logical call (the retry budget). Default (null): one per
    /// cached server, so a call that fails everywhere tries each server once.
    /// </summary>
    public int? MaxAttempts { get; set; }

    /// <summary>The shortest time between two fetches caused by every cached server failing. Default: 2 s.</summary>
    public TimeSpan RefreshRateLimit { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Dial the registries and the servers over TLS with these settings; null (the default) dials cleartext HTTP/2.</summary>
    public ClientTls? Tls { get; set; }

    /// <summary>
    /// The cluster's shared token (the one servers register with), sent only with Reset: a server
    /// that has one refuses Reset without it. Null (the default) sends none.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>When a server that keeps failing (or, with ewma, is far slower than its peers) is skipped for a while.</summary>
    public OutlierOptions Outliers { get; set; } = new();

    /// <summary>How the peak EWMA policy weighs latency and ejects a server far slower than its peers.</summary>
    public LatencyOptions Latency { get; set; } = new();

    /// <summary>How store failures are retried: backoff, retries per call, and the session's budget.</summary>
    public Retries.RetryBudgetOptions RetryBudget { get; set; } = new();

    /// <summary>The clock of ejections, retries and the retry budget; tests give a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Where the client's meter comes from (an application's DI container); null creates one of its
    /// own, named <see cref="Telemetry.ClientTelemetry.MeterName"/>, that any listener can still subscribe to.
    /// </summary>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; set; }

    /// <summary>Source of randomness for the balancers (the start of round-robin, the two choices); shared by concurrent calls, so it must be thread-safe.</summary>
    public Random Random { get; set; } = Random.Shared;

    /// <summary>How the servers' host names are looked up (on threads of their own); tests give a slow or failing one.</summary>
    internal Network.HostLookup HostLookup { get; set; } = System.Net.Dns.GetHostAddresses;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Registries is null || Registries.Count == 0)
        {
            throw new ArgumentException("at least one registry address is required", nameof(Registries));
        }

        if (string.IsNullOrWhiteSpace(Service))
        {
            throw new ArgumentException("the service name is empty", nameof(Service));
        }

        if (Deadline <= TimeSpan.Zero || Deadline > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(Deadline), Deadline, "the deadline must be more than 0 and at most 1 hour");
        }

        if (AttemptTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(AttemptTimeout), AttemptTimeout, "the attempt timeout must be more than 0");
        }

        if (MaxAttempts is < 1 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "must be from 1 to 10");
        }

        if (RefreshRateLimit < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RefreshRateLimit), RefreshRateLimit, "must not be negative");
        }

        Outliers.Validate();
        Latency.Validate();
        RetryBudget.Validate();
    }
}
