using Roundabout.Contracts.Sessions;
using Roundabout.Database.Storage;

namespace Roundabout.Database.Engine;

internal sealed partial class KeyValueStore
{
    /// <summary>
    /// Checks every compare against the keys' current versions; if all hold, applies every op in
    /// order under one new revision, all or nothing, and acknowledges once that is on disk.
    /// </summary>
    public async Task<TxnResult> TxnAsync(IReadOnlyList<VersionCompare> compares, IReadOnlyList<TxnWrite> writes, CancellationToken cancellationToken)
    {
        CheckTxn(compares, writes);
        TxnResult result;
        Task durable;
        lock (_gate)
        {
            ThrowIfClosed();
            var now = NowMs();
            PurgeExpiredLocked(now);
            var current = new long[compares.Count];
            var holds = true;
            for (var i = 0; i < compares.Count; i++)
            {
                current[i] = TryGetLiveLocked(compares[i].Key, now, out var entry) ? entry.Version : 0;
                holds &= current[i] == compares[i].ExpectedVersion;
            }

            if (!holds)
            {
                result = new TxnResult(false, 0, current, []);
                durable = _log.WhenDurable(_revision);
            }
            else if (writes.Count == 0)
            {
                result = new TxnResult(true, 0, [], []);
                durable = _log.WhenDurable(_revision);
            }
            else
            {
                var (mutations, outcomes) = PlanLocked(writes, now);
                if (mutations.Length == 0)
                {
                    // Every op was a replay: nothing to write, but the first results it returns
                    // must be on disk before the reply, like any read.
                    result = new TxnResult(true, 0, [], outcomes);
                    durable = _log.WhenDurable(_revision);
                }
                else
                {
                    var commit = new Commit(_revision + 1, mutations);

                    // The log first: if it refuses (closed or failed), memory is untouched.
                    durable = _log.Append(commit);
                    _metrics?.Committed();
                    ApplyLocked(commit);
                    result = new TxnResult(true, commit.Revision, [], outcomes);
                }
            }
        }

        await durable.WaitAsync(cancellationToken);
        return result;
    }

    private static void CheckTxn(IReadOnlyList<VersionCompare> compares, IReadOnlyList<TxnWrite> writes)
    {
        if (compares.Count > StoreLimits.MaxTxnCompares)
        {
            throw new InvalidRequestException($"A transaction has {compares.Count} compares; the limit is {StoreLimits.MaxTxnCompares}.");
        }

        if (writes.Count > StoreLimits.MaxTxnOps)
        {
            throw new InvalidRequestException($"A transaction has {writes.Count} ops; the limit is {StoreLimits.MaxTxnOps}.");
        }

        for (var i = 0; i < compares.Count; i++)
        {
            StoreLimits.CheckKey(compares[i].Key, $"compares[{i}].key");
            StoreLimits.CheckExpectedVersion(compares[i].ExpectedVersion, $"compares[{i}].expected_version");
        }

        // A put or delete writes its key once, and no other op of the transaction touches it.
        // Atomic ops may update one key many times (applied in order, as a server's batch of
        // multiplies is), but their value keys and idempotency keys are kept apart.
        var plain = new HashSet<string>(StringComparer.Ordinal);
        var values = new HashSet<string>(StringComparer.Ordinal);
        var records = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            StoreLimits.CheckKey(write.Key, $"ops[{i}].key");
            if (write.Atomic is { } update)
            {
                values.Add(write.Key);
                if (update.RequestKey is { } record)
                {
                    StoreLimits.CheckKey(record, $"ops[{i}].request_key");
                    StoreLimits.CheckTtl(update.RequestTtlMs, $"ops[{i}].request_ttl_ms");
                    records.Add(record);
                }

                if (update.Session is { } session)
                {
                    if (update.RequestKey is not null)
                    {
                        throw new InvalidRequestException($"ops[{i}] has both a request_key and a session_key; an atomic op is deduplicated by one of them.");
                    }

                    StoreLimits.CheckKey(session.Key, $"ops[{i}].session_key");
                    StoreLimits.CheckTtl(session.TtlMs, $"ops[{i}].session_ttl_ms");
                    if (SessionRecord.Validate(session.Sequence, session.ConfirmedBelow) is { } error)
                    {
                        throw new InvalidRequestException($"ops[{i}]: {error}.");
                    }

                    records.Add(session.Key);
                }
            }
            else
            {
                if (write.Value is not null)
                {
                    StoreLimits.CheckValue(write.Value, $"ops[{i}].value");
                    StoreLimits.CheckTtl(write.TtlMs, $"ops[{i}].ttl_ms");
                }

                if (!plain.Add(write.Key))
                {
                    throw new InvalidRequestException($"ops[{i}] writes the key '{write.Key}' again; a transaction may write each key once.");
                }
            }
        }

        foreach (var key in plain)
        {
            if (values.Contains(key) || records.Contains(key))
            {
                throw new InvalidRequestException($"The key '{key}' is written by a put or delete and by an atomic op of the same transaction; write each key with one kind of op.");
            }
        }

        foreach (var key in values)
        {
            if (records.Contains(key))
            {
                throw new InvalidRequestException($"The key '{key}' is both an atomic op's value and a request_key or session_key in the same transaction; keep idempotency records apart from values.");
            }
        }
    }
}
