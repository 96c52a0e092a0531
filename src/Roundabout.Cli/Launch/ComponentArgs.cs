using System.Globalization;
using Roundabout.Contracts;

namespace Roundabout.Cli.Launch;

/// <summary>
/// The command line of one component of a local cluster, typed: what <c>up</c>, <c>verify --chaos</c>
/// and the process tests start, written once. <see cref="ToArgs"/> gives the arguments after the
/// executable.
/// </summary>
internal abstract record ComponentArgs
{
    /// <summary>The port it listens on; 0 picks a free one.</summary>
    public required int Port { get; init; }

    /// <summary>Its Prometheus metrics port; none unless given.</summary>
    public int? MetricsPort { get; init; }

    /// <summary>The certificate it serves and the CA it trusts when it dials; cleartext when null.</summary>
    public ClusterTls? Tls { get; init; }

    /// <summary>Anything else, appended as given (--log-level, --unsafe-multiply...).</summary>
    public IReadOnlyList<string> Extra { get; init; } = [];

    /// <summary>The subcommand: registry, database, server or dashboard.</summary>
    protected abstract string Command { get; }

    public IReadOnlyList<string> ToArgs() =>
    [
        Command, "--port", Text(Port),
        .. MetricsPort is { } metrics ? ["--metrics-port", Text(metrics)] : Array.Empty<string>(),
        .. Own(),
        .. Extra,
    ];

    /// <summary>The options of this kind of component.</summary>
    protected abstract IEnumerable<string> Own();

    protected static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}

internal sealed record RegistryArgs : ComponentArgs
{
    /// <summary>The lease; the registry's default when null.</summary>
    public TimeSpan? Ttl { get; init; }

    protected override string Command => "registry";

    protected override IEnumerable<string> Own() =>
    [
        .. Ttl is { } ttl ? ["--ttl", string.Create(CultureInfo.InvariantCulture, $"{ttl.TotalMilliseconds}ms")] : Array.Empty<string>(),
        .. Tls?.ServeArgs ?? [],
    ];
}

internal sealed record DatabaseArgs : ComponentArgs
{
    /// <summary>Where it keeps its files; the database's default when null.</summary>
    public string? DataDir { get; init; }

    /// <summary>Nothing on disk.</summary>
    public bool InMemory { get; init; }

    protected override string Command => "database";

    protected override IEnumerable<string> Own() =>
    [
        .. InMemory ? ["--in-memory"] : DataDir is { } dir ? ["--data-dir", dir] : Array.Empty<string>(),
        .. Tls?.ServeArgs ?? [],
    ];
}

internal sealed record ServerArgs : ComponentArgs
{
    public required EndpointAddress Registry { get; init; }

    public required EndpointAddress Database { get; init; }

    protected override string Command => "server";

    protected override IEnumerable<string> Own() =>
        ["--registry", Registry.ToString(), "--database", Database.ToString(), .. Tls?.ServeArgs ?? [], .. Tls?.DialArgs ?? []];
}

/// <summary>The dashboard dials the cluster (over TLS when it has one); its own page stays plain HTTP.</summary>
internal sealed record DashboardArgs : ComponentArgs
{
    public required EndpointAddress Registry { get; init; }

    public required EndpointAddress Database { get; init; }

    protected override string Command => "dashboard";

    protected override IEnumerable<string> Own() =>
        ["--registry", Registry.ToString(), "--database", Database.ToString(), .. Tls?.DialArgs ?? []];
}
