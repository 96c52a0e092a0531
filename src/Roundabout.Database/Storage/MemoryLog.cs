namespace Roundabout.Database.Storage;

/// <summary>The log of an <c>--in-memory</c> store: nothing is written, so everything is "durable" at once.</summary>
internal sealed class MemoryLog : IStoreLog
{
    public bool IsHealthy => true;

    /// <summary>Never raised: there is no log to replace.</summary>
    public event Action? SnapshotDue
    {
        add { }
        remove { }
    }

    public Task Append(Commit commit) => Task.CompletedTask;

    public Task WhenDurable(long revision) => Task.CompletedTask;

    public void StartSegment(long firstRevision)
    {
    }

    public Task WriteSnapshotAsync(StoreImage image) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
