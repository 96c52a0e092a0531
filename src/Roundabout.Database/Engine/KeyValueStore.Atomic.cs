using System.Numerics;
using Roundabout.Contracts;
using Roundabout.Contracts.Sessions;
using Roundabout.Database.Storage;

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
        Dictionary<string, PlannedSession>? sessions = null;
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

            PlannedSession? session = null;
            if (update.Session is { } call)
            {
                sessions ??= new Dictionary<string, PlannedSession>(StringComparer.Ordinal);
                session = PlanSession(sessions, call, i, now);
                var decision = SessionRecord.Decide(session.Record, call.Sequence, call.ConfirmedBelow, out var decided, out var answer, out var changed);
                if (decision != SessionDecision.UnknownSession)
                {
                    session.Record = decided;
                    session.Changed |= changed;
                    session.TtlMs = call.TtlMs;
                }

                if (decision != SessionDecision.Apply)
                {
                    outcomes[i] = decision == SessionDecision.Replay ? new OpOutcome(answer, Replayed: true) : new OpOutcome(null, false, decision);
                    continue;
                }
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

            if (session is not null)
            {
                session.Record!.Remember(update.Session!.Sequence, bytes);
                session.Changed = true;
            }

            outcomes[i] = new OpOutcome(bytes, Replayed: false);
        }

        if (sessions is not null)
        {
            // Each session record is written once per commit, however many of its calls the commit holds.
            foreach (var (key, planned) in sessions)
            {
                if (planned.Changed)
                {
                    Set(mutations, written, Mutation.Put(key, planned.Record!.Encode(), planned.TtlMs == 0 ? 0 : now + planned.TtlMs));
                }
            }
        }

        return (mutations.ToArray(), outcomes);
    }

    /// <summary>The session record as the transaction so far leaves it, read from the store the first time the transaction names it.</summary>
    private PlannedSession PlanSession(Dictionary<string, PlannedSession> sessions, SessionUpdate call, int index, long now)
    {
        if (!sessions.TryGetValue(call.Key, out var planned))
        {
            SessionRecord? record = null;
            if (TryGetLiveLocked(call.Key, now, out var entry) && !SessionRecord.TryDecode(entry.Value, out record))
            {
                throw new NotASessionRecordException($"ops[{index}]: the value at '{call.Key}' is not a session record, so the session cannot be checked; delete that key.");
            }

            planned = new PlannedSession { Record = record };
            sessions[call.Key] = planned;
        }

        return planned;
    }

    /// <summary>A session record being planned: null while the store holds none; written at the end when changed.</summary>
    private sealed class PlannedSession
    {
        public SessionRecord? Record { get; set; }

        public bool Changed { get; set; }

        public long TtlMs { get; set; }
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
