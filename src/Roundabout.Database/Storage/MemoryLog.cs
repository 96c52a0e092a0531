using Roundabout.Database.Engine;

namespace Roundabout.Database.Storage;

/// <summary>The log of an <c>--in-memory</c> store: nothing is written, so everything is "durable" at once.</summary>
internal sealed class MemoryLog : IStoreLog
{
    public bool IsHealthy => true;

    public Task Append(Commit commit) => Task.CompletedTask;

    public Task WhenDurable(long revision) => Task.CompletedTask;

    public void AttachSnapshotSource(Func<StoreImage> capture)
    {
    }

    public void StartSegment(long firstRevision)
    {
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
