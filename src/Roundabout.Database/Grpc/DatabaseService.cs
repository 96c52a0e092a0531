using Google.Protobuf;
using Grpc.Core;
using Roundabout.Contracts;
using Roundabout.Contracts.Database.V1;
using Roundabout.Contracts.Sessions;
using Roundabout.Database.Engine;

namespace Roundabout.Database.Grpc;

/// <summary>roundabout.database.v1 over the engine; domain failures become precise status codes.</summary>
internal sealed class DatabaseService(KeyValueStore store) : Contracts.Database.V1.Database.DatabaseBase
{
    public override Task<GetResponse> Get(GetRequest request, ServerCallContext context) => Guard(context, async ct =>
    {
        var item = await store.GetAsync(request.Key, ct);
        return item is null ? new GetResponse { Found = false } : new GetResponse { Found = true, Item = ToMessage(item) };
    });

    public override Task<PutResponse> Put(PutRequest request, ServerCallContext context) => Guard(context, async ct =>
        new PutResponse { Version = await store.PutAsync(request.Key, request.Value.ToByteArray(), request.TtlMs, ct) });

    public override Task<DeleteResponse> Delete(DeleteRequest request, ServerCallContext context) => Guard(context, async ct =>
        new DeleteResponse { Deleted = await store.DeleteAsync(request.Key, ct) });

    public override Task<CompareAndSwapResponse> CompareAndSwap(CompareAndSwapRequest request, ServerCallContext context) => Guard(context, async ct =>
    {
        var result = await store.CompareAndSwapAsync(request.Key, request.ExpectedVersion, request.Value.ToByteArray(), request.TtlMs, ct);
        return new CompareAndSwapResponse { Succeeded = result.Succeeded, Version = result.Version };
    });

    public override Task<ListResponse> List(ListRequest request, ServerCallContext context) => Guard(context, async ct =>
    {
        var result = await store.ListAsync(request.Prefix, request.Limit, request.IncludeValues, ct);
        var response = new ListResponse { Truncated = result.Truncated };
        response.Items.AddRange(result.Items.Select(ToMessage));
        return response;
    });

    public override Task<TxnResponse> Txn(TxnRequest request, ServerCallContext context) => Guard(context, async ct =>
    {
        var compares = request.Compares.Select(c => new VersionCompare(c.Key, c.ExpectedVersion)).ToList();
        var writes = new List<TxnWrite>(request.Ops.Count);
        for (var i = 0; i < request.Ops.Count; i++)
        {
            var op = request.Ops[i];
            writes.Add(op.OpCase switch
            {
                TxnOp.OpOneofCase.Put => TxnWrite.Put(op.Put.Key, op.Put.Value.ToByteArray(), op.Put.TtlMs),
                TxnOp.OpOneofCase.Delete => TxnWrite.Delete(op.Delete.Key),
                TxnOp.OpOneofCase.Atomic => TxnWrite.Update(op.Atomic.Key, ToUpdate(op.Atomic, i)),
                _ => throw new InvalidRequestException($"ops[{i}] is empty; set put, delete or atomic."),
            });
        }

        var result = await store.TxnAsync(compares, writes, ct);
        var response = new TxnResponse { Succeeded = result.Succeeded, Version = result.Version };
        response.CurrentVersions.AddRange(result.CurrentVersions);
        foreach (var outcome in result.Outcomes)
        {
            response.Results.Add(outcome switch
            {
                { Refusal: { } refusal } => new OpResult { Refusal = ToMessage(refusal) },
                { Value: null } => new OpResult(),
                _ => new OpResult { Value = UnsafeByteOperations.UnsafeWrap(outcome.Value), Replayed = outcome.Replayed },
            });
        }

        return response;
    });

    private static AtomicUpdate ToUpdate(AtomicOp op, int index)
    {
        var operation = op.Kind switch
        {
            AtomicKind.Multiply => AtomicOperation.Multiply,
            AtomicKind.Add => AtomicOperation.Add,
            _ => throw new InvalidRequestException($"ops[{index}].atomic.kind is {op.Kind}; use ATOMIC_KIND_MULTIPLY or ATOMIC_KIND_ADD."),
        };
        var operand = ExactInteger.TryParse(op.Operand, out var value, out var error) switch
        {
            ParseOutcome.Ok => value,
            ParseOutcome.TooLarge => throw new ResultOutOfRangeException($"ops[{index}].atomic.operand: {error}"),
            _ => throw new InvalidRequestException($"ops[{index}].atomic.operand: {error}"),
        };
        var session = op.SessionKey.Length == 0 ? null : new SessionUpdate(op.SessionKey, op.Sequence, op.ConfirmedBelow, op.SessionTtlMs);
        return new AtomicUpdate(operation, operand, op.RequestKey.Length == 0 ? null : op.RequestKey, op.RequestTtlMs, session);
    }

    private static Contracts.Database.V1.SessionRefusal ToMessage(SessionDecision refusal) => refusal switch
    {
        SessionDecision.AlreadyConfirmed => Contracts.Database.V1.SessionRefusal.AlreadyConfirmed,
        SessionDecision.UnknownSession => Contracts.Database.V1.SessionRefusal.UnknownSession,
        _ => Contracts.Database.V1.SessionRefusal.TooManyInFlight,
    };

    private static KeyValue ToMessage(KeyValueItem item) => new()
    {
        Key = item.Key,

        // Stored values are never mutated, so the reply can wrap them without a copy.
        Value = UnsafeByteOperations.UnsafeWrap(item.Value),
        Version = item.Version,
    };

    private static async Task<T> Guard<T>(ServerCallContext context, Func<CancellationToken, Task<T>> call)
    {
        try
        {
            return await call(context.CancellationToken);
        }
        catch (InvalidRequestException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, ex.Message));
        }
        catch (ResultOutOfRangeException ex)
        {
            throw new RpcException(new Status(StatusCode.OutOfRange, ex.Message));
        }
        catch (Exception ex) when (ex is NotAnIntegerException or NotASessionRecordException)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, ex.Message));
        }
        catch (DiskFullException ex)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, ex.Message));
        }
        catch (StoreUnavailableException ex)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, ex.Message));
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled; a write may or may not have been applied."));
        }
    }
}
