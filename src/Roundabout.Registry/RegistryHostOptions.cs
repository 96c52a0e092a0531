using System.Net;
using Roundabout.Contracts;
using Roundabout.Hosting;

namespace Roundabout.Registry;

/// <summary>How the registry runs. Validated by <see cref="RegistryHost.Build"/>.</summary>
public sealed class RegistryHostOptions
{
    public const int MaxTokenLength = 256;

    /// <summary>The interface to bind: loopback unless other interfaces are opened on purpose.</summary>
    public IPAddress Listen { get; init; } = IPAddress.Loopback;

    /// <summary>The port; 0 picks a free one.</summary>
    public int Port { get; init; } = DefaultPorts.Registry;

    /// <summary>The log format and level.</summary>
    public LogSettings Log { get; init; } = new();

    /// <summary>The HTTP/1.1 port serving Prometheus metrics at /metrics; null leaves metrics off.</summary>
    public int? MetricsPort { get; init; }

    /// <summary>Tracing asked for in code (tests): on, to these exporters, even without an OTLP endpoint.</summary>
    public Hosting.Telemetry.TracingOptions? Tracing { get; init; }

    /// <summary>How long a lease lives without a renewal: a dead server is evicted this long after its last renewal.</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How often holders should renew; null means TTL / 3. At most TTL / 2, so one lost renewal is survived.</summary>
    public TimeSpan? RenewInterval { get; init; }

    /// <summary>The shared token Register, Renew and Deregister must carry; null leaves writes open.</summary>
    public string? Token { get; init; }

    /// <summary>HTTP/2 over TLS with this certificate (mutual TLS when it has client CAs); null serves cleartext.</summary>
    public Hosting.ServerTls? Tls { get; init; }

    /// <summary>How often expired leases are looked for; null means TTL / 30, at least 10 ms and at most 100 ms.</summary>
    public TimeSpan? SweepInterval { get; init; }

    /// <summary>Changes buffered per watcher before a slow watcher is resynchronised with a fresh snapshot.</summary>
    public int WatchBufferCapacity { get; init; } = 256;

    /// <summary>Most instances the registry holds, over all services.</summary>
    public int MaxInstances { get; init; } = 10_000;

    /// <summary>Most watches open at once.</summary>
    public int MaxWatchers { get; init; } = 1_000;

    /// <summary>Most watches open at once from one client (one remote IP address), so that one client cannot take them all.</summary>
    public int MaxWatchesPerClient { get; init; } = 100;

    /// <summary>
    /// Registrations accepted per second from one client (one remote IP address), past a burst of
    /// <see cref="RegistrationBurst"/>; more get ResourceExhausted. Renewals are not counted.
    /// </summary>
    public int MaxRegistrationsPerSecond { get; init; } = 50;

    /// <summary>Registrations one client may make at once before <see cref="MaxRegistrationsPerSecond"/> applies.</summary>
    public int RegistrationBurst { get; init; } = 100;

    /// <summary>Largest request accepted, in bytes.</summary>
    public int MaxReceiveMessageSize { get; init; } = 64 * 1024;

    /// <summary>The clock; tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public TimeSpan EffectiveRenewInterval => RenewInterval ?? Ttl / 3;

    public TimeSpan EffectiveSweepInterval =>
        SweepInterval ?? TimeSpan.FromTicks(Math.Clamp(Ttl.Ticks / 30, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerMillisecond * 100));

    /// <summary>Every problem with these options, each saying what to change; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Port is < 0 or > 65535)
        {
            errors.Add($"--port {Port} is out of range; use 0 to 65535");
        }

        if (MetricsPort is < 0 or > 65535)
        {
            errors.Add($"metrics port {MetricsPort} is out of range; use 0 to 65535");
        }
        else if (MetricsPort == Port && Port != 0)
        {
            errors.Add($"the metrics port must differ from the gRPC port {Port}");
        }

        if (Ttl < TimeSpan.FromMilliseconds(100) || Ttl > TimeSpan.FromHours(1))
        {
            errors.Add($"--ttl {Ttl.TotalSeconds} s is out of range; use 0.1 s to 1 h (default 3 s)");
        }

        if (RenewInterval is { } renew && (renew < TimeSpan.FromMilliseconds(10) || renew > Ttl / 2))
        {
            errors.Add($"--renew-interval {renew.TotalSeconds} s must be from 0.01 s to half the TTL ({(Ttl / 2).TotalSeconds} s), " +
                "so that a lost renewal does not evict a live server (default TTL / 3)");
        }

        if (SweepInterval is { } sweep && (sweep < TimeSpan.FromMilliseconds(1) || sweep > Ttl / 2))
        {
            errors.Add($"sweep interval {sweep.TotalSeconds} s must be from 0.001 s to half the TTL");
        }

        if (Token is not null && (Token.Length is 0 or > MaxTokenLength || Token.Any(c => c is <= ' ' or > '~')))
        {
            errors.Add($"--token: the token must be 1 to {MaxTokenLength} printable ASCII characters without spaces");
        }

        if (WatchBufferCapacity is < 1 or > 100_000)
        {
            errors.Add("the watch buffer must hold 1 to 100000 changes");
        }

        if (MaxInstances < 1 || MaxWatchers < 1)
        {
            errors.Add("the instance and watcher limits must be at least 1");
        }

        if (MaxWatchesPerClient < 1 || MaxWatchesPerClient > MaxWatchers)
        {
            errors.Add($"--max-watches-per-client {MaxWatchesPerClient} must be from 1 to the registry's watch limit ({MaxWatchers})");
        }

        if (MaxRegistrationsPerSecond is < 1 or > 1_000_000 || RegistrationBurst is < 1 or > 1_000_000)
        {
            errors.Add("--max-registrations-per-second and --registration-burst must be from 1 to 1000000");
        }

        if (MaxReceiveMessageSize < 4 * 1024)
        {
            errors.Add("the largest message must be at least 4 KiB");
        }

        return errors;
    }
}
