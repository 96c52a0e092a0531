using System.Numerics;
using Grpc.Core;
using Roundabout.Contracts;
using Roundabout.Client.Sessions;
using Roundabout.Contracts.Calculator.V1;
using Roundabout.Contracts.Security;

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
    /// The call takes the next sequence of this client's session on that accumulator, and every
    /// retry reuses it, so the stores apply it once, on whichever server it lands; each attempt also
    /// carries the session's confirmation floor, so the stores forget answers the client has
    /// (docs/client.md, "Sessions").
    /// </summary>
    public async Task<MultiplyResult> MultiplyAsync(string factor, string? name = null, CancellationToken cancellationToken = default)
    {
        var request = new MultiplyRequest { Factor = Validate(factor, "the factor"), Name = name ?? string.Empty };
        var accumulator = request.Name.Length == 0 ? ServiceNames.GlobalAccumulator : request.Name;
        for (var fresh = true; ; fresh = false)
        {
            var session = Session;
            var window = session.Window(accumulator);
            var sequence = window.Begin();
            request.SessionId = session.Id;
            request.Sequence = sequence;
            var attempts = 0;
            try
            {
                var reply = await InvokeAsync("Multiply", options =>
                {
                    // Each attempt tells the store the floor as it is now: the answers that arrived meanwhile need not be kept.
                    request.ConfirmedBelow = window.ConfirmedBelow;
                    attempts++;
                    return _calculator.MultiplyAsync(request, options);
                }, cancellationToken);
                return new MultiplyResult(reply.Result, reply.Server, reply.Name, reply.Replayed, $"{session.Id}#{sequence}");
            }
            catch (RpcException ex) when (ex.Trailers.GetValue(FaultTrailers.Session) == FaultTrailers.UnknownSession)
            {
                // The stores no longer know this session (idle past its TTL, or a store lost it):
                // start a new one. Nothing was applied by this attempt; if it was the call's only
                // one, nothing was applied at all and the call goes again on the new session.
                Interlocked.CompareExchange(ref _session, ClientSession.Start(), session);
                if (!fresh || attempts > 1)
                {
                    throw new RpcException(new Status(StatusCode.Aborted,
                        $"Multiply: the stores no longer know this client's session, and an earlier attempt of this call may have reached them, so it may or may not have been applied; a new session has started. ({ex.Status.Detail})"));
                }
            }
            finally
            {
                window.End(sequence);
            }
        }
    }

    /// <summary>
    /// The same with the caller's own request id, instead of the session: sending it again (after a
    /// lost answer, say, or from another process) returns the first result and applies nothing, on
    /// any server, within the dedupe window (10 minutes).
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
        // Not retried after a store failure: a reset sent again could undo multiplies applied in between.
        var headers = _options.Token is { } token ? new Metadata { BearerHeader.For(token) } : null;
        var reply = await InvokeAsync("ResetAccumulator", options => _calculator.ResetAccumulatorAsync(request, headers is null ? options : options.WithHeaders(headers)), cancellationToken, retryStoreFaults: false);
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
