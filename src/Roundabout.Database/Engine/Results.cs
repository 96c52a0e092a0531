using Roundabout.Contracts.Sessions;

namespace Roundabout.Database.Engine;

internal sealed record KeyValueItem(string Key, byte[] Value, long Version);

internal sealed record ListResult(IReadOnlyList<KeyValueItem> Items, bool Truncated);

/// <param name="Version">The new version on success, the current one (0 if absent) on failure.</param>
internal sealed record CasResult(bool Succeeded, long Version);

/// <param name="Version">The version given to every written key on success; 0 on failure or when nothing was written.</param>
/// <param name="CurrentVersions">On failure, the current version of each compared key, in request order.</param>
/// <param name="Outcomes">On success, one per op in request order; empty on failure.</param>
internal sealed record TxnResult(bool Succeeded, long Version, IReadOnlyList<long> CurrentVersions, IReadOnlyList<OpOutcome> Outcomes);

/// <summary>
/// What one op of a successful transaction produced: for an atomic op its result (or the first
/// result, replayed), or why its session refused it; nothing for a put or delete.
/// </summary>
internal readonly record struct OpOutcome(byte[]? Value, bool Replayed, SessionDecision? Refusal = null)
{
    public static OpOutcome None => default;
}
