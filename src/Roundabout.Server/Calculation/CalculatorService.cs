using System.Numerics;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Roundabout.Contracts;
using Roundabout.Contracts.Calculator.V1;
using Roundabout.Server.Accumulators;

namespace Roundabout.Server.Calculation;

/// <summary>The exercise's Sum (stateless) and Multiply (stateful, in the shared store).</summary>
internal sealed class CalculatorService(
    IAccumulatorStore store,
    ServerIdentity identity,
    RequestLog requestLog,
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
        var requestId = request.RequestId;
        if (requestId.Length > 0 && !AccumulatorKeys.IsValidRequestId(requestId))
        {
            throw Refuse(StatusCode.InvalidArgument, $"request_id must be 1 to {AccumulatorKeys.MaxRequestIdLength} letters, digits, '-', '_' or '.'");
        }

        var outcome = await CallStoreAsync(() => store.MultiplyAsync(name, factor, requestId, context.CancellationToken), name);
        var text = ExactInteger.Format(outcome.Result);
        if (requestLog.ShouldLog(RequestKind.Multiply))
        {
            if (outcome.Replayed)
            {
                Log.MultiplyReplayed(logger, name, requestId, LogText.Short(text));
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
        var value = await CallStoreAsync(() => store.GetAsync(name, context.CancellationToken), name);
        var text = ExactInteger.Format(value);
        Log.AccumulatorRead(logger, name, LogText.Short(text));
        return new AccumulatorReply { Name = name, Value = text, Server = identity.Address };
    }

    public override async Task<AccumulatorReply> ResetAccumulator(ResetAccumulatorRequest request, ServerCallContext context)
    {
        var name = ParseName(request.Name);
        await CallStoreAsync(async () => { await store.ResetAsync(name, context.CancellationToken); return true; }, name);
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

    private async Task<T> CallStoreAsync<T>(Func<Task<T>> call, string name)
    {
        try
        {
            return await call();
        }
        catch (AccumulatorOverflowException ex)
        {
            throw Refuse(StatusCode.OutOfRange, ex.Message);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Cancelled)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store's own failure (unreachable, timed out): the outcome of a write is unknown,
            // so the client may retry, and a Multiply retried with its request id is applied once.
            var reason = ex is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : ex.Message;
            Log.StoreFailed(logger, reason);
            throw new RpcException(new Status(StatusCode.Unavailable, $"the shared store could not serve accumulator '{name}' ({reason}); retry the call, with the same request id for a Multiply"));
        }
    }

    private RpcException Refuse(StatusCode code, string message)
    {
        Log.Refused(logger, message);
        return new RpcException(new Status(code, message));
    }
}
