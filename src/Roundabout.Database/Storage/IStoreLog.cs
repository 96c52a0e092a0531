using Roundabout.Database.Engine;

namespace Roundabout.Database.Storage;

/// <summary>
/// Where commits go before they are acknowledged: the durable log, or nowhere for an in-memory store.
/// The store calls <see cref="Append"/> and <see cref="WhenDurable"/> under its own lock, so the log
/// sees commits in revision order.
/// </summary>
internal interface IStoreLog : IAsyncDisposable
{
    /// <summary>False once the log has failed to write; the store then refuses everything.</summary>
    bool IsHealthy { get; }

    /// <summary>Queues a commit; the task completes once it is on disk (fsynced).</summary>
    Task Append(Commit commit);

    /// <summary>Completes once every commit up to <paramref name="revision"/> is on disk.</summary>
    Task WhenDurable(long revision);

    /// <summary>
    /// Lets the log ask the store for a consistent image when it wants a snapshot. The store calls
    /// <see cref="StartSegment"/> inside the capture, under its lock, so no commit lands in between.
    /// </summary>
    void AttachSnapshotSource(Func<StoreImage> capture);

    /// <summary>Commits after this call go to a new log segment whose first revision is <paramref name="firstRevision"/>.</summary>
    void StartSegment(long firstRevision);
}
