using System.Collections.Concurrent;
using System.Numerics;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Roundabout.Contracts;
using Roundabout.Server.Telemetry;

namespace Roundabout.Server.Accumulators;

/// <summary>
/// Accumulators in etcd, replicated by Raft before any write is acknowledged. etcd has no atomic
/// multiply, so a batch of one accumulator's multiplies is a compare-and-set transaction: it holds
/// if the value's mod revision is the one the products were computed from and every request's
/// dedupe record is absent, and then writes the product and the dedupe records together. When it
/// fails, its else branch reads the value and the dedupe records in the same round trip, so the
/// retry needs no extra read. The last value this server wrote is kept as the next batch's guess:
/// with one server it is always right, and with several a wrong guess costs one failed compare.
/// Dedupe records hold a lease shared by all the records written in the same minute, which
/// expires one dedupe window after that minute ends.
/// </summary>
internal sealed class EtcdAccumulatorStore : IAccumulatorStore, IDisposable
{
    /// <summary>Failed compares (other replicas writing meanwhile) before a batch gives up.</summary>
    private const int MaxAttempts = 64;

    private static readonly TimeSpan _leaseBucket = TimeSpan.FromMinutes(1);

    private readonly EtcdClient _client;
    private readonly KV.KVClient _kv;
    private readonly Lease.LeaseClient _lease;
    private readonly ServerHostOptions _options;
    private readonly TimeProvider _time;
    private readonly MultiplyCombiner _combiner;
    private readonly ConcurrentDictionary<string, (BigInteger Value, long ModRevision)> _lastWritten = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _leaseGate = new(1, 1);
    private LeaseSlot? _dedupeLease;

    public EtcdAccumulatorStore(IReadOnlyList<EndpointAddress> endpoints, ServerHostOptions options, TimeProvider time, ServerMetrics? metrics = null)
    {
        Description = StoreAddress.EtcdScheme + string.Join(',', endpoints);
        _client = new EtcdClient(string.Join(',', endpoints.Select(e => e.ToHttpUri().ToString().TrimEnd('/'))));
        var connection = _client.GetConnection();
        _kv = connection.KVClient;
        _lease = connection.LeaseClient;
        _options = options;
        _time = time;
        _combiner = new MultiplyCombiner(WriteAsync, options.MultiplyBatch, queueSingles: true, metrics);
    }

    public string Description { get; }

    public Task<MultiplyOutcome> MultiplyAsync(string name, BigInteger factor, Dedupe dedupe, CancellationToken cancellationToken) =>
        _combiner.MultiplyAsync(name, factor, dedupe, cancellationToken);

    public async Task<BigInteger> GetAsync(string name, CancellationToken cancellationToken)
    {
        var reply = await CallAsync(o => _kv.RangeAsync(new RangeRequest { Key = Key(AccumulatorKeys.Value(name)) }, o), cancellationToken);
        return reply.Kvs.Count == 0 ? BigInteger.One : AccumulatorKeys.Decode(reply.Kvs[0].Value.Span);
    }

    public async Task ResetAsync(string name, CancellationToken cancellationToken) =>
        await CallAsync(o => _kv.PutAsync(new PutRequest { Key = Key(AccumulatorKeys.Value(name)), Value = ByteString.CopyFrom(AccumulatorKeys.Encode(BigInteger.One)) }, o), cancellationToken);

    private async Task<MultiplyOutcome[]> WriteAsync(string name, IReadOnlyList<PendingMultiply> batch, CancellationToken cancellationToken)
    {
        var valueKey = Key(AccumulatorKeys.Value(name));
        var outcomes = new MultiplyOutcome?[batch.Count];

        // The same request id twice in one batch (a retry that overtook its original) is written once.
        var firstOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        var open = new List<int>(batch.Count);
        var duplicates = new List<(int Index, int First)>();
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].RequestId is { } id && !firstOfId.TryAdd(id, i))
            {
                duplicates.Add((i, firstOfId[id]));
            }
            else
            {
                open.Add(i);
            }
        }

        BigInteger value;
        long modRevision;
        bool confirmed;
        if (_lastWritten.TryGetValue(name, out var last))
        {
            (value, modRevision, confirmed) = (last.Value, last.ModRevision, false);
        }
        else
        {
            (value, modRevision) = await ReadAsync(valueKey, cancellationToken);
            confirmed = true;
        }

        for (var attempt = 1; open.Count > 0; attempt++)
        {
            var products = Multiply(value, batch, open);
            if (products is null && !confirmed)
            {
                // The guess may be stale: only a value read back from etcd can refuse a multiply.
                (value, modRevision) = await ReadAsync(valueKey, cancellationToken);
                confirmed = true;
                products = Multiply(value, batch, open);
            }

            if (products is null)
            {
                throw new AccumulatorOverflowException(name);
            }

            var running = products[^1];
            var lease = await DedupeLeaseAsync(cancellationToken);
            var txn = new TxnRequest { Compare = { ModRevisionIs(valueKey, modRevision) } };
            txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = valueKey, Value = ByteString.CopyFrom(AccumulatorKeys.Encode(running)) } });
            txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = valueKey } });
            for (var k = 0; k < open.Count; k++)
            {
                if (batch[open[k]].RequestId is { } id)
                {
                    var recordKey = Key(AccumulatorKeys.Request(name, id));
                    txn.Compare.Add(new Compare { Key = recordKey, Target = Compare.Types.CompareTarget.Version, Result = Compare.Types.CompareResult.Equal, Version = 0 });
                    txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = recordKey, Value = ByteString.CopyFrom(AccumulatorKeys.Encode(products[k])), Lease = lease } });
                    txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = recordKey } });
                }
            }

            var reply = await CallAsync(o => _kv.TxnAsync(txn, o), cancellationToken);
            if (reply.Succeeded)
            {
                for (var k = 0; k < open.Count; k++)
                {
                    outcomes[open[k]] = new MultiplyOutcome(products[k], Replayed: false);
                }

                _lastWritten[name] = (running, reply.Header.Revision);
                break;
            }

            // The else branch read the value and every dedupe record: answer the replays, retry the rest.
            var current = reply.Responses[0].ResponseRange.Kvs.FirstOrDefault();
            (value, modRevision) = current is null ? (BigInteger.One, 0) : (AccumulatorKeys.Decode(current.Value.Span), current.ModRevision);
            confirmed = true;
            var stillOpen = new List<int>(open.Count);
            var response = 1;
            foreach (var index in open)
            {
                if (batch[index].RequestId is not null && reply.Responses[response++].ResponseRange.Kvs.FirstOrDefault() is { } first)
                {
                    outcomes[index] = new MultiplyOutcome(AccumulatorKeys.Decode(first.Value.Span), Replayed: true);
                }
                else
                {
                    stillOpen.Add(index);
                }
            }

            open = stillOpen;
            if (open.Count > 0 && attempt >= MaxAttempts)
            {
                throw new AccumulatorContentionException(name, attempt);
            }

            if (open.Count > 0 && attempt > 1)
            {
                // Replicas that keep colliding spread out: exponential from 1 ms, capped at 50 ms, full jitter.
                var ceiling = Math.Min(50.0, Math.Pow(2, Math.Min(attempt - 1, 6)));
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling), _time, cancellationToken);
            }
        }

        foreach (var (index, first) in duplicates)
        {
            outcomes[index] = outcomes[first]! with { Replayed = true };
        }

        return outcomes.Select(o => o!).ToArray();
    }

    /// <summary>Each open multiply's result in turn, from <paramref name="value"/>; null when one passes the cap.</summary>
    private static BigInteger[]? Multiply(BigInteger value, IReadOnlyList<PendingMultiply> batch, List<int> open)
    {
        var products = new BigInteger[open.Count];
        for (var k = 0; k < open.Count; k++)
        {
            value *= batch[open[k]].Factor;
            if (!ExactInteger.FitsCap(value))
            {
                return null;
            }

            products[k] = value;
        }

        return products;
    }

    private async Task<(BigInteger Value, long ModRevision)> ReadAsync(ByteString key, CancellationToken cancellationToken)
    {
        var reply = await CallAsync(o => _kv.RangeAsync(new RangeRequest { Key = key }, o), cancellationToken);
        return reply.Kvs.Count == 0 ? (BigInteger.One, 0) : (AccumulatorKeys.Decode(reply.Kvs[0].Value.Span), reply.Kvs[0].ModRevision);
    }

    /// <summary>The lease of this minute's dedupe records: it outlives the minute by the dedupe window.</summary>
    private async Task<long> DedupeLeaseAsync(CancellationToken cancellationToken)
    {
        var bucket = _time.GetUtcNow().Ticks / _leaseBucket.Ticks;
        if (Volatile.Read(ref _dedupeLease) is { } slot && slot.Bucket == bucket)
        {
            return slot.Id;
        }

        await _leaseGate.WaitAsync(cancellationToken);
        try
        {
            if (_dedupeLease is not { } current || current.Bucket != bucket)
            {
                var ttl = (long)Math.Ceiling((_options.DedupeWindow + _leaseBucket).TotalSeconds);
                var grant = await CallAsync(o => _lease.LeaseGrantAsync(new LeaseGrantRequest { TTL = ttl }, o), cancellationToken);
                Volatile.Write(ref _dedupeLease, new LeaseSlot(bucket, grant.ID));
            }

            return _dedupeLease!.Id;
        }
        finally
        {
            _leaseGate.Release();
        }
    }

    private async Task<T> CallAsync<T>(Func<CallOptions, AsyncUnaryCall<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(new CallOptions(deadline: _time.GetUtcNow().UtcDateTime + _options.CallDeadline, cancellationToken: cancellationToken));
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            if (ex.Status.Detail.Contains("lease not found", StringComparison.OrdinalIgnoreCase))
            {
                // The dedupe lease is gone (etcd restored from an old snapshot, say): take a new one next time.
                Volatile.Write(ref _dedupeLease, null);
            }

            throw new IOException($"etcd at {Description} could not serve the accumulators ({ex.StatusCode}: {ex.Status.Detail}); check that a majority of its members run, then retry.", ex);
        }
    }

    private static ByteString Key(string key) => ByteString.CopyFromUtf8(key);

    private static Compare ModRevisionIs(ByteString key, long revision) => new()
    {
        Key = key, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = revision,
    };

    private sealed record LeaseSlot(long Bucket, long Id);

    public void Dispose()
    {
        _client.Dispose();
        _leaseGate.Dispose();
    }
}
