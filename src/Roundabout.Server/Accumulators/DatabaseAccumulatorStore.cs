using System.Numerics;
using Google.Protobuf;
using Grpc.Core;
using Roundabout.Contracts;
using Roundabout.Contracts.Database.V1;
using Roundabout.Contracts.Sessions;
using Roundabout.Server.Telemetry;

namespace Roundabout.Server.Accumulators;

/// <summary>
/// Accumulators in Roundabout's own database. A batch of multiplies is one Txn of atomic
/// multiply ops on the accumulator's key: the database applies them in order inside its single
/// writer, each with its session record (or its request record) in the same commit, so replicas
/// never conflict, no value is read first, and a sequence or request id applied before gets its
/// first result back instead.
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

    public Task<MultiplyOutcome> MultiplyAsync(string name, BigInteger factor, Dedupe dedupe, CancellationToken cancellationToken) =>
        _combiner.MultiplyAsync(name, factor, dedupe, cancellationToken);

    /// <summary>The embedded database these accumulators live in, as errors name it.</summary>
    public StoreAddress Store => _options.EffectiveStore;

    public async Task<BigInteger> GetAsync(string name, CancellationToken cancellationToken)
    {
        var reply = await CallAsync(o => _database.GetAsync(new GetRequest { Key = AccumulatorKeys.Value(name) }, o), cancellationToken);
        return reply.Found ? StoreFailures.Decode(Store, name, reply.Item.Value.Span) : BigInteger.One;
    }

    public Task ResetAsync(string name, CancellationToken cancellationToken) => PutAsync(name, BigInteger.One, cancellationToken);

    /// <summary>Writes the value with a plain Put: a reset, or the unsafe multiply's write back.</summary>
    internal async Task PutAsync(string name, BigInteger value, CancellationToken cancellationToken) =>
        await CallAsync(o => _database.PutAsync(new PutRequest { Key = AccumulatorKeys.Value(name), Value = ByteString.CopyFrom(AccumulatorKeys.Encode(value)) }, o), cancellationToken);

    private async Task<MultiplyOutcome[]> WriteAsync(string name, IReadOnlyList<PendingMultiply> batch, CancellationToken cancellationToken)
    {
        var valueKey = AccumulatorKeys.Value(name);
        var dedupeTtl = (long)_options.DedupeWindow.TotalMilliseconds;
        var sessionTtl = (long)_options.SessionTtl.TotalMilliseconds;
        var txn = new TxnRequest();
        foreach (var pending in batch)
        {
            var op = new AtomicOp { Key = valueKey, Kind = AtomicKind.Multiply, Operand = ExactInteger.Format(pending.Factor) };
            if (pending.RequestId is { } id)
            {
                op.RequestKey = AccumulatorKeys.Request(name, id);
                op.RequestTtlMs = dedupeTtl;
            }
            else if (pending.Session is { } session)
            {
                op.SessionKey = AccumulatorKeys.Session(name, session.SessionId);
                op.Sequence = session.Sequence;
                op.ConfirmedBelow = session.ConfirmedBelow;
                op.SessionTtlMs = sessionTtl;
            }

            txn.Ops.Add(new TxnOp { Atomic = op });
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
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure(ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure(StoreFailures.AsDeadlineExceeded(ex));
        }

        var outcomes = new MultiplyOutcome[batch.Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            var result = reply.Results[i];
            outcomes[i] = result.Refusal switch
            {
                SessionRefusal.None => new MultiplyOutcome(StoreFailures.Decode(Store, name, result.Value.Span), result.Replayed),
                SessionRefusal.AlreadyConfirmed => MultiplyOutcome.Refused(SessionDecision.AlreadyConfirmed),
                SessionRefusal.UnknownSession => MultiplyOutcome.Refused(SessionDecision.UnknownSession),
                _ => MultiplyOutcome.Refused(SessionDecision.TooManyInFlight),
            };
        }

        return outcomes;
    }

    private async Task<T> CallAsync<T>(Func<CallOptions, AsyncUnaryCall<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(new CallOptions(deadline: Deadline(), cancellationToken: cancellationToken));
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure(ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure(StoreFailures.AsDeadlineExceeded(ex));
        }
    }

    /// <summary>
    /// The database's refusals applied nothing: a full disk (ResourceExhausted), a key that holds no
    /// number or no session record (FailedPrecondition), a missing token. Anything else left it unanswered.
    /// </summary>
    private Exception Failure(RpcException ex) => ex.StatusCode switch
    {
        StatusCode.Cancelled => ex,
        StatusCode.ResourceExhausted => new StoreFailureException(Store, StoreFailureKind.Refused, $"refused the request: {ex.Status.Detail}", cause: ex.Status.Detail, inner: ex),
        StatusCode.FailedPrecondition => new StoreFailureException(Store, StoreFailureKind.CorruptValue, $"refused the request: {ex.Status.Detail}", cause: ex.Status.Detail, inner: ex),
        StatusCode.Unauthenticated or StatusCode.PermissionDenied => new StoreFailureException(
            Store, StoreFailureKind.Unauthorized, $"refused this server's call ({ex.Status.Detail})", "the server needs --database-token set to the database's token", ex.Status.Detail, ex),
        _ => StoreFailures.Unreachable(Store, ex, _options.CallDeadline),
    };

    private DateTime Deadline() => _timeProvider.GetUtcNow().UtcDateTime + _options.CallDeadline;
}
