using System.Collections.Concurrent;
using System.Numerics;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Roundabout.Contracts;
using Roundabout.Contracts.Database.V1;

namespace Roundabout.Server.Accumulators;

/// <summary>
/// Accumulators in Roundabout's own database. The multiplies of one accumulator that arrive
/// together are written as one transaction: it reads the value and its version, computes each
/// request's result in turn, then writes the final product and every request's dedupe record,
/// holding only if the value's version is unchanged and no dedupe record exists yet. A dedupe
/// record that does exist marks a request applied before: it gets its first result back, and the
/// rest are written again. Another replica's write makes the transaction fail; the batch then
/// backs off and tries again from the new value.
/// </summary>
internal sealed class DatabaseAccumulatorStore(
    Database.DatabaseClient database,
    ServerHostOptions options,
    TimeProvider timeProvider,
    ILogger<DatabaseAccumulatorStore> logger) : IAccumulatorStore
{
    // The database takes at most 128 compares in one transaction: one for the value, the rest
    // for the requests' dedupe records.
    private const int MaxBatch = 100;

    private readonly ConcurrentDictionary<string, MultiplyQueue> _queues = new(StringComparer.Ordinal);

    public async Task<MultiplyOutcome> MultiplyAsync(string name, BigInteger factor, string? requestId, CancellationToken cancellationToken)
    {
        var pending = new PendingMultiply(factor, string.IsNullOrEmpty(requestId) ? null : requestId);
        var queue = _queues.GetOrAdd(name, _ => new MultiplyQueue());
        if (queue.Enqueue(pending))
        {
            // The writes run apart from this caller: the callers queued behind it depend on them,
            // so its cancellation must not stop them. Each call to the database has a deadline.
            _ = Task.Run(() => DrainAsync(name, queue), CancellationToken.None);
        }

        return await pending.Outcome.WaitAsync(cancellationToken);
    }

    public async Task<BigInteger> GetAsync(string name, CancellationToken cancellationToken) =>
        await ReadAsync(AccumulatorKeys.Value(name), cancellationToken) is { } item
            ? AccumulatorKeys.Decode(item.Value.Span)
            : BigInteger.One;

    public async Task ResetAsync(string name, CancellationToken cancellationToken) =>
        await database.PutAsync(
            new PutRequest { Key = AccumulatorKeys.Value(name), Value = ByteString.CopyFrom(AccumulatorKeys.Encode(BigInteger.One)) },
            deadline: Deadline(),
            cancellationToken: cancellationToken);

    private async Task DrainAsync(string name, MultiplyQueue queue)
    {
        while (queue.TakeBatch(MaxBatch) is { Count: > 0 } batch)
        {
            try
            {
                await WriteBatchAsync(name, batch);
            }
            catch (Exception ex)
            {
                // Unknown outcome (the database failed or timed out): each caller gets the error,
                // and a retry with its request id is applied at most once.
                foreach (var pending in batch)
                {
                    pending.Fail(ex);
                }
            }
        }
    }

    private async Task WriteBatchAsync(string name, List<PendingMultiply> batch)
    {
        var (open, duplicates) = SplitDuplicates(batch);
        foreach (var (duplicate, first) in duplicates)
        {
            _ = FollowAsync(duplicate, first);
        }

        await WriteAsync(name, open);
    }

    private static async Task FollowAsync(PendingMultiply duplicate, PendingMultiply first)
    {
        try
        {
            duplicate.Complete(await first.Outcome with { Replayed = true });
        }
        catch (Exception ex)
        {
            duplicate.Fail(ex);
        }
    }

    private async Task WriteAsync(string name, List<PendingMultiply> open)
    {
        var valueKey = AccumulatorKeys.Value(name);
        var dedupeTtl = (long)options.DedupeWindow.TotalMilliseconds;
        for (var attempt = 1; open.Count > 0; attempt++)
        {
            var current = await ReadAsync(valueKey, CancellationToken.None);
            var running = current is null ? BigInteger.One : AccumulatorKeys.Decode(current.Value.Span);
            var applied = new List<(PendingMultiply Pending, BigInteger Result)>(open.Count);
            foreach (var pending in open)
            {
                var product = running * pending.Factor;
                if (!ExactInteger.FitsCap(product))
                {
                    pending.Fail(new AccumulatorOverflowException(name));
                    continue;
                }

                running = product;
                applied.Add((pending, product));
            }

            if (applied.Count == 0)
            {
                return;
            }

            var txn = new TxnRequest
            {
                Compares = { new Compare { Key = valueKey, ExpectedVersion = current?.Version ?? 0 } },
                Ops = { new TxnOp { Put = new PutOp { Key = valueKey, Value = ByteString.CopyFrom(AccumulatorKeys.Encode(running)) } } },
            };
            foreach (var (pending, result) in applied.Where(a => a.Pending.RequestId is not null))
            {
                var requestKey = AccumulatorKeys.Request(name, pending.RequestId!);
                txn.Compares.Add(new Compare { Key = requestKey, ExpectedVersion = 0 });
                txn.Ops.Add(new TxnOp { Put = new PutOp { Key = requestKey, Value = ByteString.CopyFrom(AccumulatorKeys.Encode(result)), TtlMs = dedupeTtl } });
            }

            var reply = await database.TxnAsync(txn, deadline: Deadline());
            if (reply.Succeeded)
            {
                foreach (var (pending, result) in applied)
                {
                    pending.Complete(new MultiplyOutcome(result, Replayed: false));
                }

                return;
            }

            open = await AnswerReplaysAsync(name, applied.Select(a => a.Pending).ToList(), reply);
            if (reply.CurrentVersions[0] != (current?.Version ?? 0))
            {
                if (attempt >= ContentionBackoff.MaxAttempts)
                {
                    throw new AccumulatorContentionException(name, attempt);
                }

                Log.MultiplyConflict(logger, name, attempt);
                await Task.Delay(ContentionBackoff.Next(attempt), timeProvider);
            }
        }
    }

    /// <summary>
    /// After a failed transaction: the requests whose dedupe record exists were applied before, so
    /// they get their first result. Returns the rest, still to be written.
    /// </summary>
    private async Task<List<PendingMultiply>> AnswerReplaysAsync(string name, List<PendingMultiply> attempted, TxnResponse reply)
    {
        var stillOpen = new List<PendingMultiply>(attempted.Count);
        var compare = 1;
        foreach (var pending in attempted)
        {
            if (pending.RequestId is null || reply.CurrentVersions[compare++] == 0)
            {
                stillOpen.Add(pending);
                continue;
            }

            if (await ReadAsync(AccumulatorKeys.Request(name, pending.RequestId), CancellationToken.None) is { } first)
            {
                pending.Complete(new MultiplyOutcome(AccumulatorKeys.Decode(first.Value.Span), Replayed: true));
            }
            else
            {
                // The record expired in between: the request is outside the dedupe window now.
                stillOpen.Add(pending);
            }
        }

        return stillOpen;
    }

    /// <summary>The same request id twice in one batch (a retry that overtook its original) shares the first one's outcome.</summary>
    private static (List<PendingMultiply> Open, List<(PendingMultiply Duplicate, PendingMultiply First)> Duplicates) SplitDuplicates(List<PendingMultiply> batch)
    {
        var open = new List<PendingMultiply>(batch.Count);
        var duplicates = new List<(PendingMultiply, PendingMultiply)>();
        var byRequestId = new Dictionary<string, PendingMultiply>(StringComparer.Ordinal);
        foreach (var pending in batch)
        {
            if (pending.RequestId is { } id && !byRequestId.TryAdd(id, pending))
            {
                duplicates.Add((pending, byRequestId[id]));
            }
            else
            {
                open.Add(pending);
            }
        }

        return (open, duplicates);
    }

    private async Task<KeyValue?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var reply = await database.GetAsync(new GetRequest { Key = key }, deadline: Deadline(), cancellationToken: cancellationToken);
        return reply.Found ? reply.Item : null;
    }

    private DateTime Deadline() => timeProvider.GetUtcNow().UtcDateTime + options.CallDeadline;
}
