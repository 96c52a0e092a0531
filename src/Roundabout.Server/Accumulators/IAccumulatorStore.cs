using System.Numerics;

namespace Roundabout.Server.Accumulators;

/// <summary>
/// Where the accumulators live, shared by every server replica. Implementations must make
/// <see cref="MultiplyAsync"/> atomic across replicas and exactly-once per request id.
/// </summary>
public interface IAccumulatorStore
{
    /// <summary>
    /// Multiplies the named accumulator (1 when absent) by <paramref name="factor"/>. When
    /// <paramref name="requestId"/> was applied before (within the dedupe window), returns the
    /// first result and applies nothing. Throws <see cref="AccumulatorOverflowException"/> when
    /// the product would pass the cap, leaving the accumulator unchanged.
    /// </summary>
    Task<MultiplyOutcome> MultiplyAsync(string name, BigInteger factor, string? requestId, CancellationToken cancellationToken);

    /// <summary>The accumulator's value, 1 when absent.</summary>
    Task<BigInteger> GetAsync(string name, CancellationToken cancellationToken);

    /// <summary>Sets the accumulator back to 1.</summary>
    Task ResetAsync(string name, CancellationToken cancellationToken);
}

public sealed record MultiplyOutcome(BigInteger Result, bool Replayed);

/// <summary>The product would pass the cap of <see cref="Contracts.ExactInteger.MaxBits"/> bits.</summary>
public sealed class AccumulatorOverflowException(string name)
    : Exception($"Multiplying accumulator '{name}' would pass the cap of 2^{Contracts.ExactInteger.MaxBits}; it was left unchanged. Reset it with 'roundabout reset --name {name}'.");

/// <summary>Other replicas kept changing the accumulator under a compare-and-set store (etcd); nothing of the multiply was applied.</summary>
public sealed class AccumulatorContentionException(string name, int attempts)
    : Exception($"accumulator '{name}' changed under {attempts} attempts in a row (other servers writing); the multiply was not applied, so it is safe to send again.");
