using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Roundabout.Contracts;
using Roundabout.Registry.Membership;

namespace Roundabout.Registry.Telemetry;

/// <summary>
/// The registry's instruments (meter <c>Roundabout.Registry</c>): registrations and evictions as
/// they happen, and the members and suspects of each service as last counted by
/// <see cref="MembershipCensus"/>.
/// </summary>
internal sealed class RegistryMetrics
{
    public const string MeterName = "Roundabout.Registry";

    /// <summary>The tag that names the service an instance belongs to.</summary>
    public const string ServiceTag = "roundabout.service";

    private readonly Counter<long> _registrations;
    private readonly Counter<long> _evictions;
    private readonly ObservableGauge<long> _members;
    private readonly ConcurrentDictionary<string, (int Members, int Suspects)> _census = new(StringComparer.Ordinal);

    public RegistryMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _registrations = meter.CreateCounter<long>("roundabout.registry.registrations", "{instance}",
            "Instances that joined a service (a renewal of a known instance is not counted).");
        _evictions = meter.CreateCounter<long>("roundabout.registry.evictions", "{instance}",
            "Instances removed because their lease ran out.");
        _members = meter.CreateObservableGauge("roundabout.registry.members", () => Observe(c => c.Members), "{instance}",
            "Instances listed per service, suspects included.");
        meter.CreateObservableGauge("roundabout.registry.suspect_instances", () => Observe(c => c.Suspects), "{instance}",
            "Instances whose lease ran out in a mass expiry and that the eviction guard holds as suspect.");
        _census[ServiceNames.Calculator] = (0, 0);
    }

    /// <summary>True while something reads the gauges (a metrics port is open): only then is the census taken.</summary>
    public bool CensusWanted => _members.Enabled;

    /// <summary>The services counted by the census: the default one and every service an instance joined here.</summary>
    public IReadOnlyList<string> Services => [.. _census.Keys];

    public void Joined(MemberInstance instance)
    {
        _census.TryAdd(instance.Service, (0, 0));
        _registrations.Add(1, new KeyValuePair<string, object?>(ServiceTag, instance.Service));
    }

    public void Evicted(MemberInstance instance) =>
        _evictions.Add(1, new KeyValuePair<string, object?>(ServiceTag, instance.Service));

    public void Counted(MembershipView view, string service) =>
        _census[service] = (view.Instances.Count, view.Instances.Count(i => i.Suspect));

    private IEnumerable<Measurement<long>> Observe(Func<(int Members, int Suspects), int> pick) =>
        _census.Select(entry => new Measurement<long>(pick(entry.Value), new KeyValuePair<string, object?>(ServiceTag, entry.Key)));
}
