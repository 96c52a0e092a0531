namespace Roundabout.Dashboard.Web;

/// <summary>
/// The cap on concurrent event streams (--max-event-streams). Each open stream holds a connection,
/// a socket and its buffers for as long as the client likes, so without a cap idle streams alone
/// can exhaust the dashboard's file descriptors and memory.
/// </summary>
internal sealed class EventStreamSlots(DashboardOptions options)
{
    private int _open;

    public int Limit => options.MaxEventStreams;

    /// <summary>Takes a slot; false when all are taken. Every true must be followed by one <see cref="Release"/>.</summary>
    public bool TryTake()
    {
        if (Interlocked.Increment(ref _open) <= options.MaxEventStreams)
        {
            return true;
        }

        Interlocked.Decrement(ref _open);
        return false;
    }

    public void Release() => Interlocked.Decrement(ref _open);
}
