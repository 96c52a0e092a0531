using System.Numerics;
using Grpc.Core;
using Roundabout.Contracts;
using Roundabout.Contracts.Calculator.V1;

namespace Roundabout.Client;

public sealed partial class RoundaboutClient
{
    /// <summary>A + B on one server. Throws <see cref="RpcException"/> with InvalidArgument or OutOfRange for bad numbers.</summary>
    public async Task<CalculationResult> SumAsync(string a, string b, CancellationToken cancellationToken = default)
    {
        var request = new SumRequest { A = Validate(a, "A"), B = Validate(b, "B") };
        var reply = await InvokeAsync("Sum", options => _calculator.SumAsync(request, options), cancellationToken);
        return new CalculationResult(reply.Result, reply.Server);
    }

    /// <summary>
    /// Multiplies the named accumulator (the global one by default) by <paramref name="factor"/>.
    /// One request id is generated per call and reused on every retry, so the servers apply it once.
    /// </summary>
    public Task<MultiplyResult> MultiplyAsync(string factor, string? name = null, CancellationToken cancellationToken = default) =>
        MultiplyAsync(factor, name, Guid.NewGuid().ToString("N"), cancellationToken);

    /// <summary>
    /// The same with the caller's own request id: sending it again (after a lost answer, say)
    /// returns the first result and applies nothing, on any server, within the dedupe window.
    /// </summary>
    public async Task<MultiplyResult> MultiplyAsync(string factor, string? name, string requestId, CancellationToken cancellationToken)
    {
        var request = new MultiplyRequest { Factor = Validate(factor, "the factor"), Name = name ?? string.Empty, RequestId = requestId };
        var reply = await InvokeAsync("Multiply", options => _calculator.MultiplyAsync(request, options), cancellationToken);
        return new MultiplyResult(reply.Result, reply.Server, reply.Name, reply.Replayed, requestId);
    }

    /// <summary>Reads the named accumulator (the global one by default).</summary>
    public async Task<AccumulatorResult> GetAccumulatorAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        var request = new GetAccumulatorRequest { Name = name ?? string.Empty };
        var reply = await InvokeAsync("GetAccumulator", options => _calculator.GetAccumulatorAsync(request, options), cancellationToken);
        return new AccumulatorResult(reply.Name, reply.Value, reply.Server);
    }

    /// <summary>Sets the named accumulator (the global one by default) back to 1.</summary>
    public async Task<AccumulatorResult> ResetAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        var request = new ResetAccumulatorRequest { Name = name ?? string.Empty };
        var reply = await InvokeAsync("ResetAccumulator", options => _calculator.ResetAccumulatorAsync(request, options), cancellationToken);
        return new AccumulatorResult(reply.Name, reply.Value, reply.Server);
    }

    private static string Validate(string? text, string what)
    {
        var outcome = ExactInteger.TryParse(text, out BigInteger value, out var error);
        return outcome switch
        {
            ParseOutcome.Ok => ExactInteger.Format(value),
            ParseOutcome.TooLarge => throw new RpcException(new Status(StatusCode.OutOfRange, $"{Capitalize(what)}: {error}.")),
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, $"{Capitalize(what)}: {error}.")),
        };
    }

    private static string Capitalize(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
