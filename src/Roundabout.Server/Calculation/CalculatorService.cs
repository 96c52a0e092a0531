using System.Numerics;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Roundabout.Contracts;
using Roundabout.Contracts.Calculator.V1;
using Roundabout.Contracts.Sessions;
using Roundabout.Server.Accumulators;

namespace Roundabout.Server.Calculation;

/// <summary>The exercise's Sum (stateless) and Multiply (stateful, in the shared store).</summary>
internal sealed class CalculatorService(
    IAccumulatorStore store,
    ServerHostOptions options,
    ServerIdentity identity,
    RequestLog requestLog,
    WriteAuthorizer writes,
    TimeProvider time,
    ILogger<CalculatorService> logger) : Calculator.CalculatorBase
{
    public override Task<SumReply> Sum(SumRequest request, ServerCallContext context)
    {
        var a = ParseNumber(request.A, "a");
        var b = ParseNumber(request.B, "b");
        var result = a + b;
        if (!ExactInteger.FitsCap(result))
        {
            throw Refuse(StatusCode.OutOfRange, $"the sum is too large; results must stay below 2^{ExactInteger.MaxBits} in magnitude");
        }

        var text = ExactInteger.Format(result);
        if (requestLog.ShouldLog(RequestKind.Sum))
        {
            Log.Sum(logger, LogText.Short(request.A), LogText.Short(request.B), LogText.Short(text));
        }

        return Task.FromResult(new SumReply { Result = text, Server = identity.Address });
    }

    public override async Task<MultiplyReply> Multiply(MultiplyRequest request, ServerCallContext context)
    {
        var factor = ParseNumber(request.Factor, "factor");
        var name = ParseName(request.Name);
        var dedupe = ParseDedupe(request);
        MultiplyOutcome outcome;
        try
        {
            outcome = await CallStoreAsync(ct => store.MultiplyAsync(name, factor, dedupe, ct), context, "The multiply may or may not have been applied.");
        }
        catch (SessionRefusedException ex)
        {
            var code = ex.Decision == SessionDecision.TooManyInFlight ? StatusCode.ResourceExhausted : StatusCode.FailedPrecondition;
            Log.Refused(logger, ex.Message);
            throw new RpcException(new Status(code, ex.Message), new Metadata { { FaultTrailers.Session, FaultTrailers.SessionValue(ex.Decision) } });
        }

        var text = ExactInteger.Format(outcome.Result);
        if (requestLog.ShouldLog(RequestKind.Multiply))
        {
            if (outcome.Replayed)
            {
                var call = dedupe.Session is { } session ? $"{session.SessionId} #{session.Sequence}" : request.RequestId;
                Log.MultiplyReplayed(logger, name, call, LogText.Short(text));
            }
            else
            {
                Log.Multiply(logger, name, LogText.Short(request.Factor), LogText.Short(text));
            }
        }

        return new MultiplyReply { Result = text, Server = identity.Address, Name = name, Replayed = outcome.Replayed };
    }

    public override async Task<AccumulatorReply> GetAccumulator(GetAccumulatorRequest request, ServerCallContext context)
    {
        var name = ParseName(request.Name);
        var value = await CallStoreAsync(ct => store.GetAsync(name, ct), context, unknownOutcome: null);
        var text = ExactInteger.Format(value);
        Log.AccumulatorRead(logger, name, LogText.Short(text));
        return new AccumulatorReply { Name = name, Value = text, Server = identity.Address };
    }

    public override async Task<AccumulatorReply> ResetAccumulator(ResetAccumulatorRequest request, ServerCallContext context)
    {
        writes.Authorize(context, "ResetAccumulator");
        var name = ParseName(request.Name);
        await CallStoreAsync(async ct => { await store.ResetAsync(name, ct); return true; }, context, "The reset may or may not have been applied.");
        Log.AccumulatorReset(logger, name);
        return new AccumulatorReply { Name = name, Value = "1", Server = identity.Address };
    }

    private BigInteger ParseNumber(string text, string field) =>
        ExactInteger.TryParse(text, out var value, out var error) switch
        {
            ParseOutcome.Ok => value,
            ParseOutcome.TooLarge => throw Refuse(StatusCode.OutOfRange, $"{field}: {error}"),
            _ => throw Refuse(StatusCode.InvalidArgument, $"{field}: {error}"),
        };

    private Dedupe ParseDedupe(MultiplyRequest request)
    {
        if (request.RequestId.Length > 0)
        {
            if (!AccumulatorKeys.IsValidRequestId(request.RequestId))
            {
                throw Refuse(StatusCode.InvalidArgument, $"request_id must be 1 to {AccumulatorKeys.MaxRequestIdLength} letters, digits, '-', '_' or '.'");
            }

            return request.SessionId.Length > 0
                ? throw Refuse(StatusCode.InvalidArgument, "request_id and session_id are both set; a multiply is deduplicated by one of them")
                : Dedupe.FromRequestId(request.RequestId);
        }

        if (request.SessionId.Length == 0)
        {
            return request.Sequence == 0 && request.ConfirmedBelow == 0
                ? Dedupe.None
                : throw Refuse(StatusCode.InvalidArgument, "sequence and confirmed_below need a session_id");
        }

        if (!AccumulatorKeys.IsValidSessionId(request.SessionId))
        {
            throw Refuse(StatusCode.InvalidArgument, $"session_id must be 1 to {AccumulatorKeys.MaxRequestIdLength} letters, digits, '-', '_' or '.'");
        }

        return SessionRecord.Validate(request.Sequence, request.ConfirmedBelow) is { } error
            ? throw Refuse(StatusCode.InvalidArgument, error)
            : Dedupe.FromSession(request.SessionId, request.Sequence, request.ConfirmedBelow);
    }

    private string ParseName(string name)
    {
        if (name.Length == 0)
        {
            return ServiceNames.GlobalAccumulator;
        }

        return AccumulatorKeys.IsValidName(name)
            ? name
            : throw Refuse(StatusCode.InvalidArgument, $"name must be 1 to {AccumulatorKeys.MaxNameLength} letters, digits, '-', '_' or '.', for example 'global'");
    }

    /// <summary>
    /// Runs a call on the shared store. Its failure is answered with a status and message that
    /// name the store and its address, and with the <see cref="FaultTrailers.Store"/> trailer, so
    /// that a client does not take it for this server being down (another server shares the store).
    /// </summary>
    private async Task<T> CallStoreAsync<T>(Func<CancellationToken, Task<T>> call, ServerCallContext context, string? unknownOutcome)
    {
        // Answer before the caller gives up (at 75% of its deadline), so that a store that does not
        // answer is reported as the store's fault rather than as this server timing out.
        using var answerBy = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var remaining = context.Deadline - time.GetUtcNow().UtcDateTime;
        var waited = options.CallDeadline;
        if (remaining < options.CallDeadline)
        {
            waited = remaining * 0.75;
            answerBy.CancelAfter(waited > TimeSpan.Zero ? waited : TimeSpan.Zero);
        }

        try
        {
            return await call(answerBy.Token);
        }
        catch (Exception ex) when (answerBy.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested
            && ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            throw StoreFault(new StoreFailureException(options.EffectiveStore, StoreFailureKind.Unavailable, $"did not answer in time (no answer within {waited.TotalSeconds:0.##} s)"), unknownOutcome);
        }
        catch (AccumulatorOverflowException ex)
        {
            throw Refuse(StatusCode.OutOfRange, ex.Message);
        }
        catch (StoreFailureException ex)
        {
            throw StoreFault(ex, unknownOutcome);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not SessionRefusedException and not RpcException { StatusCode: StatusCode.Cancelled })
        {
            // A failure the store did not foresee is taken as the store's, and as an outage.
            throw StoreFault(new StoreFailureException(options.EffectiveStore, StoreFailureKind.Unavailable, $"failed ({ex.Message})", inner: ex), unknownOutcome);
        }
    }

    /// <summary>The one map from a store's failure to the status a client sees; an unknown outcome says so.</summary>
    private RpcException StoreFault(StoreFailureException ex, string? unknownOutcome)
    {
        var code = ex.Kind switch
        {
            StoreFailureKind.Unavailable => StatusCode.Unavailable,
            StoreFailureKind.Refused => StatusCode.ResourceExhausted,
            StoreFailureKind.Contention => StatusCode.Aborted,
            _ => StatusCode.FailedPrecondition,
        };
        var message = ex.OutcomeKnown || unknownOutcome is null ? ex.Message : $"{ex.Message} {unknownOutcome}";
        Log.StoreFailed(logger, message);
        return new RpcException(new Status(code, message), new Metadata { { FaultTrailers.Store, ex.Store.Named } });
    }

    private RpcException Refuse(StatusCode code, string message)
    {
        Log.Refused(logger, message);
        return new RpcException(new Status(code, message));
    }
}
