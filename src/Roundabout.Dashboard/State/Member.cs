using Roundabout.Contracts.Registry.V1;

namespace Roundabout.Dashboard.State;

/// <summary>One instance as the registry lists it, taken out of its wire form.</summary>
internal sealed record Member(string Address, IReadOnlyDictionary<string, string> Metadata, DateTimeOffset? RegisteredAt, DateTimeOffset? LastRenewedAt, bool Suspect)
{
    public static Member From(Instance instance) => new(
        instance.Address,
        new SortedDictionary<string, string>(instance.Metadata, StringComparer.Ordinal),
        instance.RegisteredAt?.ToDateTimeOffset(),
        instance.LastRenewedAt?.ToDateTimeOffset(),
        instance.Suspect);
}
