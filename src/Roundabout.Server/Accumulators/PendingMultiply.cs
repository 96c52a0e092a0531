using System.Numerics;

namespace Roundabout.Server.Accumulators;

/// <summary>One Multiply waiting in its accumulator's queue for the next combined write.</summary>
internal sealed class PendingMultiply(BigInteger factor, Dedupe dedupe)
{
    private readonly TaskCompletionSource<MultiplyOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BigInteger Factor { get; } = factor;

    public string? RequestId { get; } = dedupe.RequestId;

    public SessionCall? Session { get; } = dedupe.Session;

    public Task<MultiplyOutcome> Outcome => _outcome.Task;

    public void Complete(MultiplyOutcome outcome) => _outcome.TrySetResult(outcome);

    public void Fail(Exception error) => _outcome.TrySetException(error);
}
