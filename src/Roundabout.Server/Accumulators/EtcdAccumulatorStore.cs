using System.Collections.Concurrent;
using System.Numerics;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Grpc.Core;
using Roundabout.Contracts;
using Roundabout.Contracts.Sessions;
using Roundabout.Server.Telemetry;

namespace Roundabout.Server.Accumulators;

/// <summary>
/// Accumulators in etcd, replicated by Raft before any write is acknowledged. etcd has no atomic
/// multiply, so a batch of one accumulator's multiplies is a compare-and-set transaction: it holds
/// if the value and every session record the batch names are at the mod revisions the batch was
/// decided on, and every request's dedupe record is absent, and then writes the product, the
/// changed session records and the dedupe records together. When it fails, its else branch reads
/// them all in the same round trip, so the retry needs no extra read. The last value and session
/// records this server wrote are kept as the next batch's guesses: with one server they are
/// always right, and with several a wrong guess costs one failed compare. Dedupe and session
/// records hold leases shared by the records written in the same minute (see <see cref="LeaseAsync"/>),
/// so each expires about its TTL after its last write.
/// </summary>
internal sealed class EtcdAccumulatorStore : IAccumulatorStore, IDisposable
{
    /// <summary>Failed compares (other replicas writing meanwhile) before a batch gives up.</summary>
    private const int MaxAttempts = 64;

    /// <summary>Session records this server remembers as guesses for its next batches, at most.</summary>
    private const int MaxRememberedSessions = 4096;

    /// <summary>
    /// The most multiplies in one transaction. etcd refuses a transaction of more than 128 ops
    /// (its --max-txn-ops default), and a batch compares the value plus one record per request id
    /// or session, so a batch of 128 request ids would be refused.
    /// </summary>
    private const int MaxBatch = 100;

    // The slots of the two leases in _leases.
    private const int DedupeLease = 0;
    private const int SessionLease = 1;

    private static readonly TimeSpan _leaseBucket = TimeSpan.FromMinutes(1);

    private readonly EtcdClient _client;
    private readonly KV.KVClient _kv;
    private readonly Lease.LeaseClient _lease;
    private readonly ServerHostOptions _options;
    private readonly TimeProvider _time;
    private readonly MultiplyCombiner _combiner;
    private readonly ConcurrentDictionary<string, (BigInteger Value, long ModRevision)> _lastWritten = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StoredSession> _lastSessions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _leaseGate = new(1, 1);
    private readonly LeaseSlot?[] _leases = new LeaseSlot?[2];

    public EtcdAccumulatorStore(IReadOnlyList<EndpointAddress> endpoints, ServerHostOptions options, TimeProvider time, ServerMetrics? metrics = null)
    {
        Store = StoreAddress.Etcd(endpoints);
        _client = new EtcdClient(string.Join(',', endpoints.Select(e => e.ToHttpUri().ToString().TrimEnd('/'))));
        var connection = _client.GetConnection();
        _kv = connection.KVClient;
        _lease = connection.LeaseClient;
        _options = options;
        _time = time;
        _combiner = new MultiplyCombiner(WriteAsync, Math.Min(options.MultiplyBatch, MaxBatch), queueSingles: true, metrics);
    }

    /// <summary>The etcd these accumulators live in, as errors name it.</summary>
    public StoreAddress Store { get; }

    public Task<MultiplyOutcome> MultiplyAsync(string name, BigInteger factor, Dedupe dedupe, CancellationToken cancellationToken) =>
        _combiner.MultiplyAsync(name, factor, dedupe, cancellationToken);

    public async Task<BigInteger> GetAsync(string name, CancellationToken cancellationToken)
    {
        var reply = await CallAsync(o => _kv.RangeAsync(new RangeRequest { Key = Key(AccumulatorKeys.Value(name)) }, o), cancellationToken);
        return reply.Kvs.Count == 0 ? BigInteger.One : StoreFailures.Decode(Store, name, reply.Kvs[0].Value.Span);
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

        // Each session record the batch names is compared, written and read back once per attempt.
        var sessionKeys = new string?[batch.Count];
        var sessions = new Dictionary<string, StoredSession>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].Session is { } call)
            {
                sessionKeys[i] = AccumulatorKeys.Session(name, call.SessionId);
                sessions[sessionKeys[i]!] = default;
            }
        }

        var sessionOrder = sessions.Keys.ToList();
        BigInteger value;
        long modRevision;
        bool confirmed;
        if (_lastWritten.TryGetValue(name, out var last))
        {
            // Guesses, as the value: a session this server has not written is guessed absent.
            (value, modRevision, confirmed) = (last.Value, last.ModRevision, false);
            foreach (var key in sessionOrder)
            {
                sessions[key] = _lastSessions.GetValueOrDefault(key);
            }
        }
        else
        {
            (value, modRevision) = await ReadAsync(name, valueKey, sessionOrder, sessions, cancellationToken);
            confirmed = true;
        }

        for (var attempt = 1; open.Count > 0; attempt++)
        {
            var plan = Plan(name, value, sessions, batch, sessionKeys, open);
            if (plan is null && !confirmed)
            {
                // The guesses may be stale: only what was read back from etcd can refuse a multiply.
                (value, modRevision) = await ReadAsync(name, valueKey, sessionOrder, sessions, cancellationToken);
                confirmed = true;
                plan = Plan(name, value, sessions, batch, sessionKeys, open);
            }

            if (plan is null)
            {
                throw new AccumulatorOverflowException(name);
            }

            // Refusals and replays hold only if the records they were decided on are still there:
            // the compares cover every session record, written or not, and the value.
            var txn = new TxnRequest { Compare = { ModRevisionIs(valueKey, modRevision) } };
            txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = valueKey } });
            if (plan.Value is { } running)
            {
                txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = valueKey, Value = ByteString.CopyFrom(AccumulatorKeys.Encode(running)) } });
            }

            var sessionLease = plan.Sessions.Count > 0 ? await LeaseAsync(SessionLease, _options.SessionTtl, cancellationToken) : 0;
            foreach (var key in sessionOrder)
            {
                var recordKey = Key(key);
                txn.Compare.Add(ModRevisionIs(recordKey, sessions[key].ModRevision));
                txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = recordKey } });
                if (plan.Sessions.TryGetValue(key, out var record))
                {
                    txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = recordKey, Value = ByteString.CopyFrom(record), Lease = sessionLease } });
                }
            }

            var dedupeLease = 0L;
            for (var k = 0; k < open.Count; k++)
            {
                if (batch[open[k]].RequestId is { } id)
                {
                    dedupeLease = dedupeLease != 0 ? dedupeLease : await LeaseAsync(DedupeLease, _options.DedupeWindow, cancellationToken);
                    var recordKey = Key(AccumulatorKeys.Request(name, id));
                    txn.Compare.Add(new Compare { Key = recordKey, Target = Compare.Types.CompareTarget.Version, Result = Compare.Types.CompareResult.Equal, Version = 0 });
                    txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = recordKey, Value = ByteString.CopyFrom(AccumulatorKeys.Encode(plan.Outcomes[k].Result)), Lease = dedupeLease } });
                    txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = recordKey } });
                }
            }

            var reply = await CallAsync(o => _kv.TxnAsync(txn, o), cancellationToken);
            if (reply.Succeeded)
            {
                for (var k = 0; k < open.Count; k++)
                {
                    outcomes[open[k]] = plan.Outcomes[k];
                }

                _lastWritten[name] = plan.Value is { } written ? (written, reply.Header.Revision) : (value, modRevision);
                Remember(sessions, plan.Sessions, reply.Header.Revision);
                break;
            }

            // The else branch read the value, the session records and every dedupe record: answer
            // the replays of request ids, and decide the rest again on what etcd holds.
            (value, modRevision) = Load(name, reply.Responses, sessionOrder, sessions);
            confirmed = true;
            var stillOpen = new List<int>(open.Count);
            var response = 1 + sessionOrder.Count;
            foreach (var index in open)
            {
                if (batch[index].RequestId is not null && reply.Responses[response++].ResponseRange.Kvs.FirstOrDefault() is { } first)
                {
                    outcomes[index] = new MultiplyOutcome(StoreFailures.Decode(Store, name, first.Value.Span), Replayed: true);
                }
                else
                {
                    stillOpen.Add(index);
                }
            }

            open = stillOpen;
            if (open.Count > 0 && attempt >= MaxAttempts)
            {
                throw new StoreFailureException(
                    Store,
                    StoreFailureKind.Contention,
                    $"changed accumulator '{name}' under {attempt} attempts in a row (other servers writing); the multiply was not applied, so it is safe to send again");
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

    /// <summary>
    /// What one attempt does from <paramref name="value"/> and the session records as given: each
    /// open multiply's outcome in turn (each session's calls decided against the record as the
    /// earlier ones left it, as the embedded database does), the value to put (null when nothing
    /// applies) and the encoded session records that changed. Null when a product passes the cap.
    /// </summary>
    private Attempt? Plan(string name, BigInteger value, Dictionary<string, StoredSession> stored, IReadOnlyList<PendingMultiply> batch, string?[] sessionKeys, List<int> open)
    {
        var outcomes = new MultiplyOutcome[open.Count];
        var records = new Dictionary<string, SessionRecord?>(StringComparer.Ordinal);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        BigInteger? running = null;
        for (var k = 0; k < open.Count; k++)
        {
            var pending = batch[open[k]];
            SessionRecord? record = null;
            if (sessionKeys[open[k]] is { } key)
            {
                var call = pending.Session!;
                if (!records.TryGetValue(key, out var current))
                {
                    current = Decode(key, stored[key]);
                }

                var decision = SessionRecord.Decide(current, call.Sequence, call.ConfirmedBelow, out record, out var answer, out var moved);
                // An unknown session stays unknown: its record is neither made nor written.
                records[key] = decision == SessionDecision.UnknownSession ? current : record;
                if (moved)
                {
                    changed.Add(key);
                }

                if (decision == SessionDecision.Replay)
                {
                    outcomes[k] = new MultiplyOutcome(StoreFailures.Decode(Store, name, answer!), Replayed: true);
                    continue;
                }

                if (decision != SessionDecision.Apply)
                {
                    outcomes[k] = MultiplyOutcome.Refused(decision);
                    continue;
                }

                changed.Add(key);
            }

            value *= pending.Factor;
            if (!ExactInteger.FitsCap(value))
            {
                return null;
            }

            record?.Remember(pending.Session!.Sequence, AccumulatorKeys.Encode(value));
            running = value;
            outcomes[k] = new MultiplyOutcome(value, Replayed: false);
        }

        return new Attempt(outcomes, running, changed.ToDictionary(key => key, key => records[key]!.Encode(), StringComparer.Ordinal));
    }

    /// <summary>The session record a store holds, decoded afresh for each attempt (deciding changes it).</summary>
    private SessionRecord? Decode(string key, StoredSession stored) =>
        stored.Record is null ? null
        : SessionRecord.TryDecode(stored.Record, out var record) ? record
        : throw StoreFailures.NotASessionRecord(Store, key);

    /// <summary>Reads the value and the session records at one revision (a transaction with no compares).</summary>
    private async Task<(BigInteger Value, long ModRevision)> ReadAsync(string name, ByteString valueKey, List<string> sessionOrder, Dictionary<string, StoredSession> sessions, CancellationToken cancellationToken)
    {
        var txn = new TxnRequest { Success = { new RequestOp { RequestRange = new RangeRequest { Key = valueKey } } } };
        foreach (var key in sessionOrder)
        {
            txn.Success.Add(new RequestOp { RequestRange = new RangeRequest { Key = Key(key) } });
        }

        var reply = await CallAsync(o => _kv.TxnAsync(txn, o), cancellationToken);
        return Load(name, reply.Responses, sessionOrder, sessions);
    }

    /// <summary>The value, then the session records in <paramref name="sessionOrder"/>, from the first ranges of a transaction's responses.</summary>
    private (BigInteger Value, long ModRevision) Load(string name, RepeatedField<ResponseOp> responses, List<string> sessionOrder, Dictionary<string, StoredSession> sessions)
    {
        for (var i = 0; i < sessionOrder.Count; i++)
        {
            var kv = responses[1 + i].ResponseRange.Kvs.FirstOrDefault();
            sessions[sessionOrder[i]] = kv is null ? default : new StoredSession(kv.Value.ToByteArray(), kv.ModRevision);
        }

        var current = responses[0].ResponseRange.Kvs.FirstOrDefault();
        return current is null ? (BigInteger.One, 0) : (StoreFailures.Decode(Store, name, current.Value.Span), current.ModRevision);
    }

    /// <summary>Keeps the session records a transaction held as the next batch's guesses, within a bound.</summary>
    private void Remember(Dictionary<string, StoredSession> compared, Dictionary<string, byte[]> written, long revision)
    {
        if (_lastSessions.Count >= MaxRememberedSessions)
        {
            // Sessions end without telling the store: forgetting them all now and then bounds the
            // memory, and a forgotten one costs a single failed compare on its next batch.
            _lastSessions.Clear();
        }

        foreach (var (key, stored) in compared)
        {
            _lastSessions[key] = written.TryGetValue(key, out var record) ? new StoredSession(record, revision) : stored;
        }
    }

    /// <summary>
    /// The lease of the records (dedupe or session) with time to live <paramref name="ttl"/> written
    /// now. Records written in the same bucket of time (a minute, or the TTL when shorter) share
    /// one lease that outlives the bucket by the TTL, so a record expires between one TTL and one
    /// TTL plus a bucket after its last write, which re-attaches the current lease, and etcd is
    /// asked for one lease per bucket rather than one per write.
    /// </summary>
    private async Task<long> LeaseAsync(int slot, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var length = ttl < _leaseBucket ? ttl : _leaseBucket;
        var bucket = _time.GetUtcNow().Ticks / length.Ticks;
        if (Volatile.Read(ref _leases[slot]) is { } held && held.Bucket == bucket)
        {
            return held.Id;
        }

        await _leaseGate.WaitAsync(cancellationToken);
        try
        {
            if (_leases[slot] is not { } current || current.Bucket != bucket)
            {
                var seconds = (long)Math.Ceiling((ttl + length).TotalSeconds);
                var grant = await CallAsync(o => _lease.LeaseGrantAsync(new LeaseGrantRequest { TTL = seconds }, o), cancellationToken);
                Volatile.Write(ref _leases[slot], new LeaseSlot(bucket, grant.ID));
            }

            return _leases[slot]!.Id;
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
                // A lease is gone (etcd restored from an old snapshot, say): take new ones next time.
                Volatile.Write(ref _leases[DedupeLease], null);
                Volatile.Write(ref _leases[SessionLease], null);
            }

            throw StoreFailures.Unreachable(Store, ex, _options.CallDeadline);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw StoreFailures.Unreachable(Store, StoreFailures.AsDeadlineExceeded(ex), _options.CallDeadline);
        }
    }

    private static ByteString Key(string key) => ByteString.CopyFromUtf8(key);

    private static Compare ModRevisionIs(ByteString key, long revision) => new()
    {
        Key = key, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = revision,
    };

    private sealed record LeaseSlot(long Bucket, long Id);

    /// <summary>A session record as etcd held it: its bytes and mod revision (null and 0 when absent).</summary>
    private readonly record struct StoredSession(byte[]? Record, long ModRevision);

    /// <summary>What one attempt would write: see <see cref="Plan"/>.</summary>
    private sealed record Attempt(MultiplyOutcome[] Outcomes, BigInteger? Value, Dictionary<string, byte[]> Sessions);

    public void Dispose()
    {
        _client.Dispose();
        _leaseGate.Dispose();
    }
}
