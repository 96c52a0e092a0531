namespace Roundabout.Dashboard.Network;

/// <summary>
/// At most <see cref="DashboardOptions.MaxConcurrentProbes"/> calls of one kind (health probes, or
/// metrics scrapes) in flight at once; a member that finds no slot within the call deadline is
/// skipped this round and tried again on the next.
/// </summary>
internal sealed class ProbeSlots(DashboardOptions options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.MaxConcurrentProbes, options.MaxConcurrentProbes);

    /// <summary>Runs <paramref name="probe"/> in a slot, or returns <paramref name="skipped"/> when none frees in time.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> probe, Func<string, T> skipped, CancellationToken cancellationToken)
    {
        if (!await _slots.WaitAsync(options.CallDeadline, cancellationToken).ConfigureAwait(false))
        {
            return skipped($"not asked this round: {options.MaxConcurrentProbes} calls were already in flight");
        }

        try
        {
            return await probe().ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
