using System.Numerics;
using Google.Protobuf;
using Grpc.Core;
using Roundabout.Contracts;
using Roundabout.Contracts.Database.V1;
using Roundabout.Server.Telemetry;

namespace Roundabout.Server.Accumulators;

/// <summary>
/// Accumulators in Roundabout's own database. A batch of multiplies is one Txn of atomic
/// multiply ops on the accumulator's key: the database applies them in order inside its single
/// writer, each with its request's dedupe record in the same commit, so replicas never conflict,
/// no value is read first, and a request id applied before gets its first result back instead.
/// </summary>
internal sealed class DatabaseAccumulatorStore : IAccumulatorStore
{
    private readonly Database.DatabaseClient _database;
    private readonly ServerHostOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly MultiplyCombiner _combiner;

    public DatabaseAccumulatorStore(Database.DatabaseClient database, ServerHostOptions options, TimeProvider timeProvider, ServerMetrics? metrics = null)
    {
        _database = database;
        _options = options;
        _timeProvider = timeProvider;
        _combiner = new MultiplyCombiner(WriteAsync, options.MultiplyBatch, metrics: metrics);
    }

    public Task<MultiplyOutcome> MultiplyAsync(string name, BigInteger factor, string? requestId, CancellationToken cancellationToken) =>
        _combiner.MultiplyAsync(name, factor, requestId, cancellationToken);

    public async Task<BigInteger> GetAsync(string name, CancellationToken cancellationToken)
    {
        var reply = await _database.GetAsync(new GetRequest { Key = AccumulatorKeys.Value(name) }, deadline: Deadline(), cancellationToken: cancellationToken);
        return reply.Found ? AccumulatorKeys.Decode(reply.Item.Value.Span) : BigInteger.One;
    }

    public async Task ResetAsync(string name, CancellationToken cancellationToken) =>
        await _database.PutAsync(
            new PutRequest { Key = AccumulatorKeys.Value(name), Value = ByteString.CopyFrom(AccumulatorKeys.Encode(BigInteger.One)) },
            deadline: Deadline(),
            cancellationToken: cancellationToken);

    private async Task<MultiplyOutcome[]> WriteAsync(string name, IReadOnlyList<PendingMultiply> batch, CancellationToken cancellationToken)
    {
        var valueKey = AccumulatorKeys.Value(name);
        var dedupeTtl = (long)_options.DedupeWindow.TotalMilliseconds;
        var txn = new TxnRequest();
        foreach (var pending in batch)
        {
            txn.Ops.Add(new TxnOp
            {
                Atomic = new AtomicOp
                {
                    Key = valueKey,
                    Kind = AtomicKind.Multiply,
                    Operand = ExactInteger.Format(pending.Factor),
                    RequestKey = pending.RequestId is { } id ? AccumulatorKeys.Request(name, id) : string.Empty,
                    RequestTtlMs = pending.RequestId is null ? 0 : dedupeTtl,
                },
            });
        }

        TxnResponse reply;
        try
        {
            reply = await _database.TxnAsync(txn, deadline: Deadline(), cancellationToken: cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.OutOfRange)
        {
            throw new AccumulatorOverflowException(name);
        }

        var outcomes = new MultiplyOutcome[batch.Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            var result = reply.Results[i];
            outcomes[i] = new MultiplyOutcome(AccumulatorKeys.Decode(result.Value.Span), result.Replayed);
        }

        return outcomes;
    }

    private DateTime Deadline() => _timeProvider.GetUtcNow().UtcDateTime + _options.CallDeadline;
}
