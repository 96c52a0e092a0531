namespace Roundabout.Server.Accumulators;

/// <summary>
/// The multiplies of one accumulator waiting in this server for <see cref="MultiplyCombiner"/>.
/// The first caller to find nobody writing becomes the writer: it takes batches until the queue
/// is empty, while later callers just wait for their outcome.
/// </summary>
internal sealed class MultiplyQueue
{
    private readonly Lock _lock = new();
    private List<PendingMultiply> _waiting = [];
    private bool _writing;

    /// <summary>Queues <paramref name="pending"/>; returns true when the caller must now write the queue.</summary>
    public bool Enqueue(PendingMultiply pending)
    {
        lock (_lock)
        {
            _waiting.Add(pending);
            if (_writing)
            {
                return false;
            }

            _writing = true;
            return true;
        }
    }

    /// <summary>Takes up to <paramref name="max"/> queued multiplies; when none are left, the writer's turn ends.</summary>
    public List<PendingMultiply> TakeBatch(int max)
    {
        lock (_lock)
        {
            if (_waiting.Count == 0)
            {
                _writing = false;
                return [];
            }

            if (_waiting.Count <= max)
            {
                var all = _waiting;
                _waiting = [];
                return all;
            }

            var batch = _waiting.GetRange(0, max);
            _waiting.RemoveRange(0, max);
            return batch;
        }
    }
}
