using Google.Protobuf;
using Roundabout.Contracts.Database.V1;
using DatabaseClient = Roundabout.Contracts.Database.V1.Database.DatabaseClient;

namespace Roundabout.Bench.Store;

/// <summary>The operations measured against Roundabout's database.</summary>
internal sealed class DatabaseLoad(DatabaseClient database)
{
    private static readonly ByteString _value = ByteString.CopyFrom(new byte[16]);
    private readonly MultiplyCombiner _combiner = new(database);

    /// <summary>A durable put, acknowledged after its fsync.</summary>
    public async Task PutAsync(int client, long i) =>
        await database.PutAsync(new PutRequest { Key = $"bench/put/{client}/{i % 100}", Value = _value }, deadline: Deadline());

    /// <summary>
    /// Every client on its own: read the value and its version, then a Txn that holds only if the
    /// version is unchanged; on a conflict, back off with jitter and try again.
    /// </summary>
    public async Task MultiplyWithCasLoopAsync(int client, long i)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await database.GetAsync(new GetRequest { Key = "bench/acc/cas" }, deadline: Deadline());
            var next = Multiplication.Apply(current.Found ? Multiplication.Parse(current.Item.Value.Span) : 1, Multiplication.Factor(i));
            var txn = new TxnRequest
            {
                Compares = { new Compare { Key = "bench/acc/cas", ExpectedVersion = current.Found ? current.Item.Version : 0 } },
                Ops = { new TxnOp { Put = new PutOp { Key = "bench/acc/cas", Value = ByteString.CopyFrom(Multiplication.Format(next)) } } },
            };
            if ((await database.TxnAsync(txn, deadline: Deadline())).Succeeded)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMicroseconds(Random.Shared.Next(100, 200 * Math.Min(attempt, 20))));
        }
    }

    /// <summary>
    /// Every client on its own: one Txn with one atomic multiply (factor 1, so the value stays
    /// small) and its own dedupe record, as a server sends a batch of one; no read, no retry.
    /// </summary>
    public async Task MultiplyAtomicAsync(int client, long i) =>
        await database.TxnAsync(
            new TxnRequest
            {
                Ops =
                {
                    new TxnOp
                    {
                        Atomic = new AtomicOp { Key = "bench/acc/atomic", Kind = AtomicKind.Multiply, Operand = "1", RequestKey = $"bench/acc/atomic/req/{client}/{i}", RequestTtlMs = 60_000 },
                    },
                },
            },
            deadline: Deadline());

    /// <summary>The same read-modify-write, with this process's multiplies combined into one Txn per round.</summary>
    public Task MultiplyCombinedAsync(int client, long i) => _combiner.MultiplyAsync(Multiplication.Factor(i));

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(30);
}
