using System.Collections.Concurrent;
using System.Numerics;
using Roundabout.Server.Telemetry;

namespace Roundabout.Server.Accumulators;

/// <summary>
/// Applies a batch of one accumulator's multiplies in one round trip to the store, atomically and
/// in order, and returns one outcome per multiply. Throws <see cref="AccumulatorOverflowException"/>
/// when the batch would pass the cap; the store has then applied none of it.
/// </summary>
internal delegate Task<MultiplyOutcome[]> MultiplyBatchWriter(string name, IReadOnlyList<PendingMultiply> batch, CancellationToken cancellationToken);

/// <summary>
/// Combines the multiplies of one accumulator that arrive together in this server into one store
/// write (group commit, as the database does for its fsyncs): the first caller to find nobody
/// writing drains the queue, batch after batch, while later callers wait for their outcome. The
/// store applies each batch where the data lives, so replicas never conflict and nothing here
/// retries. With a batch size of 1 there is no queue, unless <paramref name="queueSingles"/> says so:
/// every multiply is its own write, all in flight at once. A store that can only compare-and-set
/// (etcd) queues them anyway, since concurrent writers from one server would only fail each other's compares.
/// </summary>
internal sealed class MultiplyCombiner(MultiplyBatchWriter write, int maxBatch, bool queueSingles = false, ServerMetrics? metrics = null)
{
    private readonly ConcurrentDictionary<string, MultiplyQueue> _queues = new(StringComparer.Ordinal);

    public async Task<MultiplyOutcome> MultiplyAsync(string name, BigInteger factor, Dedupe dedupe, CancellationToken cancellationToken)
    {
        var pending = new PendingMultiply(factor, dedupe);
        if (maxBatch == 1 && !queueSingles)
        {
            metrics?.MultiplyBatch(1);
            return Checked(name, pending, (await write(name, [pending], cancellationToken))[0]);
        }

        var queue = _queues.GetOrAdd(name, _ => new MultiplyQueue());
        if (queue.Enqueue(pending))
        {
            // The writes run apart from this caller: the callers queued behind it depend on them,
            // so its cancellation must not stop them. Each store call has its own deadline.
            _ = Task.Run(() => DrainAsync(name, queue), CancellationToken.None);
        }

        return await pending.Outcome.WaitAsync(cancellationToken);
    }

    private static MultiplyOutcome Checked(string name, PendingMultiply pending, MultiplyOutcome outcome) =>
        outcome.Refusal is { } refusal ? throw new SessionRefusedException(name, pending.Session!, refusal) : outcome;

    private async Task DrainAsync(string name, MultiplyQueue queue)
    {
        while (queue.TakeBatch(maxBatch) is { Count: > 0 } batch)
        {
            await ApplyAsync(name, batch);
        }
    }

    private async Task ApplyAsync(string name, List<PendingMultiply> batch)
    {
        metrics?.MultiplyBatch(batch.Count);
        try
        {
            var outcomes = await write(name, batch, CancellationToken.None);
            for (var i = 0; i < batch.Count; i++)
            {
                if (outcomes[i].Refusal is { } refusal)
                {
                    batch[i].Fail(new SessionRefusedException(name, batch[i].Session!, refusal));
                }
                else
                {
                    batch[i].Complete(outcomes[i]);
                }
            }
        }
        catch (AccumulatorOverflowException) when (batch.Count > 1)
        {
            // One of them would pass the cap and the store applied none: apply them one at a time,
            // in order, so that only the multiplies that really overflow are refused.
            foreach (var pending in batch)
            {
                await ApplyAsync(name, [pending]);
            }
        }
        catch (Exception ex)
        {
            // Unknown outcome (the store failed or timed out): each caller gets the error, and a
            // retry with its request id is applied at most once.
            foreach (var pending in batch)
            {
                pending.Fail(ex);
            }
        }
    }
}
