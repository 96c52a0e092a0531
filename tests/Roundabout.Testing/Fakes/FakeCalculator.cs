using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using Grpc.Core;
using Roundabout.Contracts.Calculator.V1;

namespace Roundabout.Testing.Fakes;

/// <summary>
/// A small in-test calculation server. Accumulators live in a <see cref="SharedAccumulators"/>
/// shared by every fake of a cluster (the database's role), deduplicated by request id or session sequence.
/// </summary>
public sealed class FakeCalculator(SharedAccumulators accumulators) : Calculator.CalculatorBase
{
    private int _served;
    private int _applied;
    private int _loseAnswers;

    public string Address { get; set; } = string.Empty;

    /// <summary>How long each call takes; zero by default.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>When set, calls wait until it completes (a hung server); a Multiply waits where <see cref="HangAt"/> says.</summary>
    public TaskCompletionSource? Hang { get; set; }

    /// <summary>Where a hung Multiply waits: before applying (the default), after, or past the client's cancellation.</summary>
    public HangPoint HangAt { get; set; }

    public int Served => Volatile.Read(ref _served);

    /// <summary>Multiplies this server handed to the shared accumulators (each applied, or answered from the kept answer).</summary>
    public int Applied => Volatile.Read(ref _applied);

    public ConcurrentQueue<string> MultiplyRequestIds { get; } = new();

    /// <summary>The next n Multiply calls are applied, then fail with Unavailable: the server did the work and the answer was lost.</summary>
    public void LoseNextMultiplyAnswers(int count) => Volatile.Write(ref _loseAnswers, count);

    public override async Task<SumReply> Sum(SumRequest request, ServerCallContext context)
    {
        await PauseAsync(context);
        Interlocked.Increment(ref _served);
        var sum = BigInteger.Parse(request.A, CultureInfo.InvariantCulture) + BigInteger.Parse(request.B, CultureInfo.InvariantCulture);
        return new SumReply { Result = sum.ToString(CultureInfo.InvariantCulture), Server = Address };
    }

    public override async Task<MultiplyReply> Multiply(MultiplyRequest request, ServerCallContext context)
    {
        // A session call is named as the client names it in MultiplyResult.RequestId: session#sequence.
        var callId = request.SessionId.Length > 0 ? $"{request.SessionId}#{request.Sequence}" : request.RequestId;
        MultiplyRequestIds.Enqueue(callId);
        if (HangAt == HangPoint.PastCancellation && Hang is { } late)
        {
            // The client gives up on this attempt; the server does not notice and applies it later.
            await late.Task;
        }
        else if (HangAt == HangPoint.BeforeApplying)
        {
            await PauseAsync(context);
        }

        Interlocked.Increment(ref _served);
        var name = string.IsNullOrEmpty(request.Name) ? "global" : request.Name;
        var (value, replayed) = accumulators.Multiply(name, BigInteger.Parse(request.Factor, CultureInfo.InvariantCulture), callId);
        Interlocked.Increment(ref _applied);
        if (Interlocked.Decrement(ref _loseAnswers) >= 0)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "injected failure after applying: the answer is lost"));
        }

        if (HangAt == HangPoint.AfterApplying)
        {
            await PauseAsync(context);
        }

        return new MultiplyReply { Result = value.ToString(CultureInfo.InvariantCulture), Server = Address, Name = name, Replayed = replayed };
    }

    public override Task<AccumulatorReply> GetAccumulator(GetAccumulatorRequest request, ServerCallContext context)
    {
        var name = string.IsNullOrEmpty(request.Name) ? "global" : request.Name;
        return Task.FromResult(new AccumulatorReply { Name = name, Value = accumulators.Get(name).ToString(CultureInfo.InvariantCulture), Server = Address });
    }

    public override Task<AccumulatorReply> ResetAccumulator(ResetAccumulatorRequest request, ServerCallContext context)
    {
        var name = string.IsNullOrEmpty(request.Name) ? "global" : request.Name;
        accumulators.Reset(name);
        return Task.FromResult(new AccumulatorReply { Name = name, Value = "1", Server = Address });
    }

    private async Task PauseAsync(ServerCallContext context)
    {
        if (Hang is { } hang)
        {
            await hang.Task.WaitAsync(context.CancellationToken);
        }

        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, context.CancellationToken);
        }
    }
}

/// <summary>The accumulators every fake server of a cluster shares, with request-id deduplication.</summary>
public sealed class SharedAccumulators
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, BigInteger> _values = [];
    private readonly Dictionary<string, BigInteger> _applied = [];

    public (BigInteger Value, bool Replayed) Multiply(string name, BigInteger factor, string requestId)
    {
        lock (_gate)
        {
            if (requestId.Length > 0 && _applied.TryGetValue(requestId, out var first))
            {
                return (first, true);
            }

            var value = Get(name) * factor;
            _values[name] = value;
            if (requestId.Length > 0)
            {
                _applied[requestId] = value;
            }

            return (value, false);
        }
    }

    public BigInteger Get(string name)
    {
        lock (_gate)
        {
            return _values.TryGetValue(name, out var value) ? value : BigInteger.One;
        }
    }

    public void Reset(string name)
    {
        lock (_gate)
        {
            _values[name] = BigInteger.One;
        }
    }
}
