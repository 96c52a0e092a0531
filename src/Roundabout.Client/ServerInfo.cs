namespace Roundabout.Client;

/// <summary>One server as the registry lists it.</summary>
public sealed record ServerInfo(
    string Address,
    IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset? RegisteredAt,
    DateTimeOffset? LastRenewedAt,
    bool Suspect);
