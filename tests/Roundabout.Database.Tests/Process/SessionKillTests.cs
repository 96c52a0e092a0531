using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using Grpc.Core;
using Grpc.Net.Client;
using Roundabout.Contracts.Database.V1;
using DatabaseClient = Roundabout.Contracts.Database.V1.Database.DatabaseClient;

namespace Roundabout.Database.Tests.Process;

/// <summary>
/// Client sessions across a crash of the real <c>roundabout database</c>: after a kill -9 mid-load
/// and a restart on the same data directory, every acknowledged sequence still replays its first
/// result and is not applied again.
/// </summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class SessionKillTests : IDisposable
{
    private const string Value = "acc/{kill}";
    private const string Session = "acc/{kill}/session/s1";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task KillDashNine_MidSession_AcknowledgedSequencesReplayTheirFirstResultsAfterRestart()
    {
        var primes = Primes.First(300);
        var acked = new ConcurrentDictionary<ulong, string>();
        var next = 0L;
        var killed = false;

        await using (var db = CliProcess.Start("database", "--port", "0", "--data-dir", _dir.Path))
        {
            var client = Connect(await db.WaitForPortAsync(LogLines.DatabaseRunning), out var channel);
            using var _ = channel;
            var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                while (true)
                {
                    // The floor stays at 1: no answer is confirmed, so every acknowledged one must be kept.
                    var sequence = (ulong)Interlocked.Increment(ref next);
                    if (sequence > (ulong)primes.Length)
                    {
                        return;
                    }

                    try
                    {
                        var reply = await client.TxnAsync(Call(primes[sequence - 1], sequence), deadline: DateTime.UtcNow.AddSeconds(20));
                        acked[sequence] = reply.Results[0].Value.ToStringUtf8();
                    }
                    catch (RpcException) when (Volatile.Read(ref killed))
                    {
                        return; // The database died: this sequence's outcome is unknown.
                    }
                }
            })).ToList();

            await Eventually.UntilAsync(() => acked.Count >= 60, "60 sequences are acknowledged", TimeSpan.FromSeconds(90));
            Assert.All(callers, task => Assert.False(task.IsFaulted, $"a caller failed before the kill: {task.Exception?.InnerException?.Message}"));
            Volatile.Write(ref killed, true);
            db.Kill();
            await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(60));
        }

        await using var restarted = CliProcess.Start("database", "--port", "0", "--data-dir", _dir.Path);
        var after = Connect(await restarted.WaitForPortAsync(LogLines.DatabaseRunning), out var newChannel);
        using var __ = newChannel;
        var before = (await after.GetAsync(new GetRequest { Key = Value }, deadline: DateTime.UtcNow.AddSeconds(20))).Item.Value.ToStringUtf8();

        foreach (var (sequence, first) in acked)
        {
            var replay = await after.TxnAsync(Call(primes[sequence - 1], sequence), deadline: DateTime.UtcNow.AddSeconds(20));
            Assert.True(replay.Results[0].Replayed, $"acknowledged sequence {sequence} was applied again after the crash");
            Assert.Equal(first, replay.Results[0].Value.ToStringUtf8());
        }

        var final = BigInteger.Parse((await after.GetAsync(new GetRequest { Key = Value }, deadline: DateTime.UtcNow.AddSeconds(20))).Item.Value.ToStringUtf8(), CultureInfo.InvariantCulture);
        Assert.Equal(before, final.ToString(CultureInfo.InvariantCulture));
        var (multiplicity, remainder) = Primes.Factor(final, primes);
        Assert.Equal(BigInteger.One, remainder);
        Assert.All(acked.Keys, s => Assert.Equal(1, multiplicity[primes[s - 1]]));
        Assert.All(primes, p => Assert.InRange(multiplicity[p], 0, 1));
    }

    private static DatabaseClient Connect(int port, out GrpcChannel channel)
    {
        channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        return new DatabaseClient(channel);
    }

    private static TxnRequest Call(int prime, ulong sequence) => new()
    {
        Ops =
        {
            new TxnOp
            {
                Atomic = new AtomicOp
                {
                    Key = Value,
                    Kind = AtomicKind.Multiply,
                    Operand = prime.ToString(CultureInfo.InvariantCulture),
                    SessionKey = Session,
                    Sequence = sequence,
                    ConfirmedBelow = 1,
                    SessionTtlMs = 3_600_000,
                },
            },
        },
    };
}
