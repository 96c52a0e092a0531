using System.Numerics;
using Roundabout.Contracts;

namespace Roundabout.Server.Accumulators;

/// <summary>
/// For teaching only (<c>server --unsafe-multiply</c>): Multiply as a naive port of the exercise
/// does it, reading the value, multiplying, and writing it back with a plain Put: no compare, no
/// dedupe record, no combining. Two replicas that read the same value both write their own
/// product, so one update is lost; a retried request is applied again. <c>roundabout verify</c>
/// shows both.
/// </summary>
internal sealed class UnsafeAccumulatorStore(DatabaseAccumulatorStore safe) : IAccumulatorStore
{
    public async Task<MultiplyOutcome> MultiplyAsync(string name, BigInteger factor, Dedupe dedupe, CancellationToken cancellationToken)
    {
        var product = await safe.GetAsync(name, cancellationToken) * factor;
        if (!ExactInteger.FitsCap(product))
        {
            throw new AccumulatorOverflowException(name);
        }

        await safe.PutAsync(name, product, cancellationToken);
        return new MultiplyOutcome(product, Replayed: false);
    }

    public Task<BigInteger> GetAsync(string name, CancellationToken cancellationToken) => safe.GetAsync(name, cancellationToken);

    public Task ResetAsync(string name, CancellationToken cancellationToken) => safe.ResetAsync(name, cancellationToken);
}
