namespace Roundabout.Database.Engine;

internal sealed partial class KeyValueStore
{
    /// <summary>
    /// Checks every compare against the keys' current versions; if all hold, applies every write
    /// under one new revision, all or nothing, and acknowledges once that is on disk.
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
                result = new TxnResult(false, 0, current);
                durable = _log.WhenDurable(_revision);
            }
            else if (writes.Count == 0)
            {
                result = new TxnResult(true, 0, []);
                durable = _log.WhenDurable(_revision);
            }
            else
            {
                var mutations = new Mutation[writes.Count];
                for (var i = 0; i < writes.Count; i++)
                {
                    var write = writes[i];
                    mutations[i] = write.Value is null
                        ? Mutation.Delete(write.Key)
                        : Mutation.Put(write.Key, write.Value, write.TtlMs == 0 ? 0 : now + write.TtlMs);
                }

                var commit = new Commit(_revision + 1, mutations);

                // The log first: if it refuses (closed or failed), memory is untouched.
                durable = _log.Append(commit);
                ApplyLocked(commit);
                result = new TxnResult(true, commit.Revision, []);
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

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            StoreLimits.CheckKey(write.Key, $"ops[{i}].key");
            if (write.Value is not null)
            {
                StoreLimits.CheckValue(write.Value, $"ops[{i}].value");
                StoreLimits.CheckTtl(write.TtlMs, $"ops[{i}].ttl_ms");
            }

            if (!seen.Add(write.Key))
            {
                throw new InvalidRequestException($"ops[{i}] writes the key '{write.Key}' again; a transaction may write each key once.");
            }
        }
    }
}
