using System.Numerics;
using Roundabout.Contracts.Sessions;

namespace Roundabout.Server.Accumulators;

/// <summary>
/// Where the accumulators live, shared by every server replica. Implementations must make
/// <see cref="MultiplyAsync"/> atomic across replicas and exactly-once per request id.
/// </summary>
public interface IAccumulatorStore
{
    /// <summary>
    /// Multiplies the named accumulator (1 when absent) by <paramref name="factor"/>. When
    /// <paramref name="dedupe"/> names a request id or a session sequence applied before, returns
    /// the first result and applies nothing. Throws <see cref="AccumulatorOverflowException"/> when
    /// the product would pass the cap, and <see cref="SessionRefusedException"/> when the session
    /// refuses the sequence, leaving the accumulator unchanged in both cases.
    /// </summary>
    /// <remarks>Every method throws <see cref="Contracts.StoreFailureException"/> when the store fails the call.</remarks>
    Task<MultiplyOutcome> MultiplyAsync(string name, BigInteger factor, Dedupe dedupe, CancellationToken cancellationToken);

    /// <summary>The accumulator's value, 1 when absent.</summary>
    Task<BigInteger> GetAsync(string name, CancellationToken cancellationToken);

    /// <summary>Sets the accumulator back to 1.</summary>
    Task ResetAsync(string name, CancellationToken cancellationToken);
}

/// <summary>What one multiply did: its result (the first one when replayed), or, for a session sequence, why it was refused.</summary>
public sealed record MultiplyOutcome(BigInteger Result, bool Replayed, SessionDecision? Refusal = null)
{
    public static MultiplyOutcome Refused(SessionDecision refusal) => new(BigInteger.Zero, Replayed: false, refusal);
}

/// <summary>
/// How a multiply is made exactly-once: by nothing, by a user's request id (a record kept for the
/// dedupe window), or by the client's session and sequence (docs/client.md, "Sessions").
/// </summary>
public readonly record struct Dedupe(string? RequestId, SessionCall? Session)
{
    public static Dedupe None => default;

    public static Dedupe FromRequestId(string? requestId) => new(string.IsNullOrEmpty(requestId) ? null : requestId, null);

    public static Dedupe FromSession(string sessionId, ulong sequence, ulong confirmedBelow) => new(null, new SessionCall(sessionId, sequence, confirmedBelow));

    public static implicit operator Dedupe(string? requestId) => FromRequestId(requestId);
}

/// <summary>One call of a client session: its sequence on the accumulator, and the floor below which the client has every answer.</summary>
public sealed record SessionCall(string SessionId, ulong Sequence, ulong ConfirmedBelow);

/// <summary>The store refused a session's sequence and applied nothing (see <see cref="SessionDecision"/>).</summary>
public sealed class SessionRefusedException(string name, SessionCall call, SessionDecision decision)
    : Exception(decision switch
    {
        SessionDecision.AlreadyConfirmed => $"sequence {call.Sequence} of session {call.SessionId} on accumulator '{name}' was confirmed by the client already; this late copy was not applied.",
        SessionDecision.UnknownSession => $"session {call.SessionId} is no longer known on accumulator '{name}' (idle past its TTL, or the store lost it), so whether sequence {call.Sequence} was applied cannot be known; nothing was applied now. Start a new session.",
        SessionDecision.TooManyInFlight => $"session {call.SessionId} has {SessionRecord.MaxAnswers} unconfirmed calls on accumulator '{name}'; nothing was applied. Keep fewer calls in flight per session.",
        _ => $"session {call.SessionId} refused sequence {call.Sequence} ({decision}).",
    })
{
    public SessionDecision Decision { get; } = decision;
}

/// <summary>The product would pass the cap of <see cref="Contracts.ExactInteger.MaxBits"/> bits.</summary>
public sealed class AccumulatorOverflowException(string name)
    : Exception($"Multiplying accumulator '{name}' would pass the cap of 2^{Contracts.ExactInteger.MaxBits}; it was left unchanged. Reset it with 'roundabout reset --name {name}'.");
