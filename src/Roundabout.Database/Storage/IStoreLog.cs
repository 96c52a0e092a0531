namespace Roundabout.Database.Storage;

/// <summary>
/// Where commits go before they are acknowledged: the durable log, or nowhere for an in-memory store.
/// The store calls <see cref="Append"/> and <see cref="WhenDurable"/> under its own lock, so the log
/// sees commits in revision order. The log never calls into the store: it says when a snapshot is
/// due, and the store pushes one.
/// </summary>
internal interface IStoreLog : IAsyncDisposable
{
    /// <summary>False once the log has failed to write; the store then refuses everything.</summary>
    bool IsHealthy { get; }

    /// <summary>
    /// Raised, on a pool thread, when the log has grown enough that a snapshot should replace it.
    /// The store answers with <see cref="StartSegment"/> and <see cref="WriteSnapshotAsync"/>.
    /// </summary>
    event Action? SnapshotDue;

    /// <summary>Queues a commit; the task completes once it is on disk (fsynced).</summary>
    Task Append(Commit commit);

    /// <summary>Completes once every commit up to <paramref name="revision"/> is on disk.</summary>
    Task WhenDurable(long revision);

    /// <summary>
    /// Commits after this call go to a new log segment whose first revision is <paramref name="firstRevision"/>.
    /// The store calls it under its lock, with the image it then gives to <see cref="WriteSnapshotAsync"/>,
    /// so no commit lands between the image and the new segment.
    /// </summary>
    void StartSegment(long firstRevision);

    /// <summary>
    /// Writes <paramref name="image"/> as the snapshot, in the background, and then removes the log
    /// segments it covers. A failed snapshot loses nothing: the log still holds every commit.
    /// </summary>
    Task WriteSnapshotAsync(StoreImage image);
}
