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
