using System.Net;
using Roundabout.Contracts;
using Roundabout.Contracts.Security;

namespace Roundabout.Dashboard;

/// <summary>Where the dashboard listens, what it watches, and how often it samples.</summary>
public sealed class DashboardOptions
{
    public const int DefaultPort = 8080;

    /// <summary>The log format and level.</summary>
    public Hosting.LogSettings Log { get; init; } = new();

    /// <summary>The interface to bind; loopback unless opened with --listen.</summary>
    public IPAddress Listen { get; init; } = IPAddress.Loopback;

    /// <summary>The HTTP port; 0 picks a free one.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The registries to watch, in order of preference; the dashboard fails over between them.</summary>
    public IReadOnlyList<EndpointAddress> Registries { get; init; } = [EndpointAddress.Parse(DefaultPorts.RegistryAddress)];

    /// <summary>The embedded database that holds the accumulators.</summary>
    public EndpointAddress Database { get; init; } = EndpointAddress.Parse(DefaultPorts.DatabaseAddress);

    /// <summary>The database's shared token, sent with every call to <see cref="Database"/>; null sends none.</summary>
    public string? DatabaseToken { get; init; }

    /// <summary>How the dashboard dials the registries, the database and the servers; null for cleartext.</summary>
    public ClientTls? Tls { get; init; }

    /// <summary>The service whose instances are shown.</summary>
    public string Service { get; init; } = ServiceNames.Calculator;

    /// <summary>Accumulators always shown, besides those found in the database.</summary>
    public IReadOnlyList<string> Accumulators { get; init; } = [ServiceNames.GlobalAccumulator];

    /// <summary>How often each server's health, metrics and the accumulators are read.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The deadline of each call the dashboard makes.</summary>
    public TimeSpan CallDeadline { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How many membership events the timeline keeps.</summary>
    public int TimelineLength { get; init; } = 50;

    /// <summary>The default of <see cref="MaxEventStreams"/>: many more pages than anyone watches, far fewer than the file descriptors a process gets.</summary>
    public const int DefaultMaxEventStreams = 256;

    /// <summary>The most live event streams (open pages) served at once; one more is refused with 503.</summary>
    public int MaxEventStreams { get; init; } = DefaultMaxEventStreams;

    /// <summary>
    /// Hosts besides each instance's own on which the dashboard reads metrics (<c>metrics=host:port</c>
    /// metadata); an endpoint anywhere else is shown, marked, and not fetched.
    /// </summary>
    public IReadOnlyList<string> MetricsHosts { get; init; } = [];

    /// <summary>
    /// Whether the accumulators may be read through the servers when every listed server says
    /// they keep them in one other store (metadata <c>store=</c>); false when the operator named
    /// the database (--database), which is then always read.
    /// </summary>
    public bool FollowServerStore { get; init; } = true;

    /// <summary>The most host names looked up at once, each on a thread of its own that it holds until the resolver answers.</summary>
    public int MaxNameLookups { get; init; } = 4;

    /// <summary>The most health probes, and separately the most metrics scrapes, in flight at once.</summary>
    public int MaxConcurrentProbes { get; init; } = 64;

    /// <summary>How far back the charts reach; each server's history holds this over <see cref="SampleInterval"/> points.</summary>
    public TimeSpan HistoryWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The most servers whose history is kept at once.</summary>
    public int MaxHistoryServers { get; init; } = 64;

    /// <summary>How often the registry's services and their instances are listed for the page's picker.</summary>
    public TimeSpan ServiceRefreshInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The most services listed for the picker, and the most instances kept of each.</summary>
    public int MaxServices { get; init; } = 64;

    /// <inheritdoc cref="MaxServices"/>
    public int MaxInstancesPerService { get; init; } = 100;

    /// <summary>The most accumulators shown.</summary>
    public int MaxAccumulators { get; init; } = 20;

    /// <summary>Whether <paramref name="name"/> is a name a server accepts for an accumulator.</summary>
    public static bool IsValidAccumulatorName(string name) => AccumulatorKeys.IsValidName(name);

    public void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "The port must be from 0 to 65535.");
        }

        if (Registries.Count == 0)
        {
            throw new ArgumentException("At least one registry address is required.", nameof(Registries));
        }

        if (SampleInterval <= TimeSpan.Zero || CallDeadline <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(SampleInterval), "The sample interval and the call deadline must be positive.");
        }

        if (Accumulators.FirstOrDefault(n => !IsValidAccumulatorName(n)) is { } bad)
        {
            throw new ArgumentException($"'{bad}' is not an accumulator name: 1 to 64 letters, digits, '-', '_' or '.'.", nameof(Accumulators));
        }

        if (MaxEventStreams is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxEventStreams), MaxEventStreams, "The event stream cap must be from 1 to 100000.");
        }

        if (MaxNameLookups is < 1 or > 256 || MaxConcurrentProbes is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxNameLookups), "The name lookups in flight must be from 1 to 256, the probes from 1 to 10000.");
        }

        if (HistoryWindow < SampleInterval || HistoryWindow > TimeSpan.FromHours(1) || ServiceRefreshInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(HistoryWindow), "The history window must be from one sample interval to 1 h, and the service refresh interval positive.");
        }

        if (MaxHistoryServers is < 1 or > 10_000 || MaxServices is < 1 or > 10_000 || MaxInstancesPerService is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxHistoryServers), "The servers with history, the services and the instances per service kept must each be from 1 to 10000.");
        }

        if (TimelineLength < 1 || MaxAccumulators < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TimelineLength), "The timeline and the accumulator list must hold at least one entry.");
        }
    }
}
