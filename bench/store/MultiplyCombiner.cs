using Google.Protobuf;
using Roundabout.Contracts.Database.V1;
using DatabaseClient = Roundabout.Contracts.Database.V1.Database.DatabaseClient;

namespace Roundabout.Bench.Store;

/// <summary>
/// Client-side group commit for one hot key: multiplies that arrive while a round is in flight
/// wait, and the next round applies all of them with one read and one compare-and-swap Txn. The
/// key is written by this process only, so its rounds do not conflict; a server can do the same
/// for its own writes to an accumulator (each request's dedupe key would join the same Txn).
/// </summary>
internal sealed class MultiplyCombiner(DatabaseClient client)
{
    private const string Key = "bench/acc/combined";
    private readonly Lock _lock = new();
    private List<(long Factor, TaskCompletionSource Done)> _pending = [];
    private bool _running;

    public Task MultiplyAsync(long factor)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _pending.Add((factor, done));
            if (!_running)
            {
                _running = true;
                _ = Task.Run(RunRoundsAsync);
            }
        }

        return done.Task;
    }

    private async Task RunRoundsAsync()
    {
        while (true)
        {
            List<(long Factor, TaskCompletionSource Done)> round;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    _running = false;
                    return;
                }

                round = _pending;
                _pending = [];
            }

            try
            {
                await ApplyAsync(round);
                round.ForEach(r => r.Done.TrySetResult());
            }
            catch (Exception ex)
            {
                round.ForEach(r => r.Done.TrySetException(ex));
            }
        }
    }

    private async Task ApplyAsync(List<(long Factor, TaskCompletionSource Done)> round)
    {
        while (true)
        {
            var current = await client.GetAsync(new GetRequest { Key = Key }, deadline: DateTime.UtcNow.AddSeconds(30));
            var value = current.Found ? Multiplication.Parse(current.Item.Value.Span) : 1;
            foreach (var (factor, _) in round)
            {
                value = Multiplication.Apply(value, factor);
            }

            var txn = new TxnRequest
            {
                Compares = { new Compare { Key = Key, ExpectedVersion = current.Found ? current.Item.Version : 0 } },
                Ops = { new TxnOp { Put = new PutOp { Key = Key, Value = ByteString.CopyFrom(Multiplication.Format(value)) } } },
            };
            if ((await client.TxnAsync(txn, deadline: DateTime.UtcNow.AddSeconds(30))).Succeeded)
            {
                return;
            }
        }
    }
}
