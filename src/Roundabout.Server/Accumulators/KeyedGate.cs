using System.Collections.Concurrent;

namespace Roundabout.Server.Accumulators;

/// <summary>
/// One writer per accumulator in this process. Replicas still race each other through the
/// store's compare-and-set, but a server's own requests queue here instead of failing each
/// other's writes and retrying.
/// </summary>
internal sealed class KeyedGate
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    public async Task<Releaser> EnterAsync(string key, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Releaser(gate);
    }

    public readonly struct Releaser(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}

/// <summary>How long a multiply that lost a compare-and-set race waits before it tries again.</summary>
internal static class ContentionBackoff
{
    /// <summary>Attempts before a multiply gives up with <see cref="AccumulatorContentionException"/>.</summary>
    public const int MaxAttempts = 64;

    /// <summary>Exponential from 1 ms, capped at 50 ms, with full jitter so racing replicas spread out.</summary>
    public static TimeSpan Next(int attempt)
    {
        var ceiling = Math.Min(50.0, Math.Pow(2, Math.Min(attempt, 6)));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }
}
