using System.Numerics;
using Roundabout.Contracts;

namespace Roundabout.Database.Engine;

internal sealed partial class KeyValueStore
{
    /// <summary>
    /// Turns a transaction's ops into the mutations of one commit, applying atomic ops in order
    /// over what the store holds and what earlier ops of the same transaction wrote. Runs under
    /// the lock and changes nothing: it throws before any mutation reaches the log or memory.
    /// The log records only the results (puts), so recovery replays values and never recomputes.
    /// </summary>
    private (Mutation[] Mutations, OpOutcome[] Outcomes) PlanLocked(IReadOnlyList<TxnWrite> writes, long now)
    {
        var outcomes = new OpOutcome[writes.Count];
        var mutations = new List<Mutation>(writes.Count + 1);
        var written = new Dictionary<string, int>(StringComparer.Ordinal);
        Dictionary<string, BigInteger>? numbers = null;
        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            if (write.Atomic is not { } update)
            {
                written[write.Key] = mutations.Count;
                mutations.Add(write.Value is null
                    ? Mutation.Delete(write.Key)
                    : Mutation.Put(write.Key, write.Value, write.TtlMs == 0 ? 0 : now + write.TtlMs));
                outcomes[i] = OpOutcome.None;
                continue;
            }

            if (update.RequestKey is { } requestKey && ReadPlanned(requestKey, now, mutations, written) is { } first)
            {
                outcomes[i] = new OpOutcome(first.Value, Replayed: true);
                continue;
            }

            numbers ??= new Dictionary<string, BigInteger>(StringComparer.Ordinal);
            var current = ReadPlanned(write.Key, now, mutations, written);
            if (!numbers.TryGetValue(write.Key, out var value))
            {
                value = current is null ? update.Identity
                    : StoredInteger.TryDecode(current.Value, out var stored) ? stored
                    : throw new NotAnIntegerException($"ops[{i}]: the value at '{write.Key}' is not a decimal integer, so it cannot be updated atomically; Put a number there or use another key.");
            }

            var result = update.Apply(value);
            if (!ExactInteger.FitsCap(result))
            {
                throw new ResultOutOfRangeException($"ops[{i}]: the result at '{write.Key}' would reach 2^{ExactInteger.MaxBits} in magnitude; nothing was changed.");
            }

            numbers[write.Key] = result;
            var bytes = StoredInteger.Encode(result);

            // An atomic op keeps the key's expiry, as Redis's INCRBY does.
            Set(mutations, written, Mutation.Put(write.Key, bytes, current?.ExpiresAtMs ?? 0));
            if (update.RequestKey is { } record)
            {
                Set(mutations, written, Mutation.Put(record, bytes, update.RequestTtlMs == 0 ? 0 : now + update.RequestTtlMs));
            }

            outcomes[i] = new OpOutcome(bytes, Replayed: false);
        }

        return (mutations.ToArray(), outcomes);
    }

    /// <summary>The key as the transaction so far leaves it: its latest planned put, or the live entry.</summary>
    private StoredEntry? ReadPlanned(string key, long now, List<Mutation> mutations, Dictionary<string, int> written)
    {
        if (written.TryGetValue(key, out var index))
        {
            var planned = mutations[index];
            return planned.IsDelete ? null : new StoredEntry(planned.Value!, 0, planned.ExpiresAtMs);
        }

        return TryGetLiveLocked(key, now, out var entry) ? entry : null;
    }

    /// <summary>One mutation per key in a commit: a later atomic op on the same key replaces the earlier one's put.</summary>
    private static void Set(List<Mutation> mutations, Dictionary<string, int> written, Mutation mutation)
    {
        if (written.TryGetValue(mutation.Key, out var index))
        {
            mutations[index] = mutation;
        }
        else
        {
            written[mutation.Key] = mutations.Count;
            mutations.Add(mutation);
        }
    }
}
