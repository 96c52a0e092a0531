using Microsoft.Extensions.Logging.Abstractions;
using Roundabout.Database.Engine;
using Roundabout.Database.Storage;
using static Roundabout.Database.Tests.StoreFactory;

namespace Roundabout.Database.Tests.Storage;

/// <summary>
/// The promise that a power cut loses no acknowledged write, tested against a disk that keeps only
/// what was fsynced. Writers run puts, deletes and transactions over keys of their own; the power
/// goes at a random operation of the disk (in a commit, a snapshot or a segment switch, since the
/// small snapshot threshold makes both frequent); the store is reopened from what survived, and each
/// writer's keys must hold exactly the state after all its acknowledged writes, or after those and
/// the one write it had in flight, whole. kill -9 cannot test this: the page cache survives it.
/// </summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed class PowerCutTests : IDisposable
{
    private const int Writers = 4;
    private const int WritesPerRound = 40;
    private const int KeysPerWriter = 4;
    private const int CutsPerSeed = 3;
    private static readonly CancellationToken _none = CancellationToken.None;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task PowerCut_AtRandomPointsOfCommitsSnapshotsAndSegmentSwitches_KeepsEveryAcknowledgedWriteAndNoHalfTxn(int seed)
    {
        var random = new Random(seed);
        var state = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var cut = 0; cut < CutsPerSeed; cut++)
        {
            var disk = new PowerCutDisk(_dir.Path, random);
            var (log, image) = DurableLog.Open(
                new StorageOptions { DataDirectory = _dir.Path, SnapshotThresholdBytes = 2048, ReserveBytes = 4096, Disk = disk },
                NullLogger.Instance);
            var store = new KeyValueStore(image, log, TimeProvider.System);
            var recovered = await ReadAllAsync(store);
            Assert.Equal(state, recovered);

            var plans = Enumerable.Range(0, Writers).Select(w => Plan(random, seed, cut, w)).ToList();
            disk.CutBefore(random.Next(0, 160));
            var outcomes = await Task.WhenAll(plans.Select(plan => Task.Run(() => RunAsync(store, plan)))).DefaultTimeout();
            disk.CutNow();
            await store.DisposeAsync().AsTask().DefaultTimeout();
            disk.RestoreAfterPowerCut();

            var (reopenedLog, reopenedImage) = DurableLog.Open(new StorageOptions { DataDirectory = _dir.Path }, NullLogger.Instance);
            var reopened = new KeyValueStore(reopenedImage, reopenedLog, TimeProvider.System);
            await using (reopened)
            {
                var survived = await ReadAllAsync(reopened);
                for (var w = 0; w < Writers; w++)
                {
                    var (acknowledged, inFlight) = outcomes[w];
                    var mine = Mine(survived, w);
                    var afterAcknowledged = Apply(Mine(state, w), plans[w].Take(acknowledged));
                    var afterInFlight = inFlight ? Apply(afterAcknowledged, plans[w].Skip(acknowledged).Take(1)) : afterAcknowledged;
                    Assert.True(
                        Same(mine, afterAcknowledged) || Same(mine, afterInFlight),
                        $"seed {seed}, cut {cut}, writer {w}: {acknowledged} writes were acknowledged{(inFlight ? " and one was in flight" : string.Empty)}, " +
                        $"but the keys hold [{Show(mine)}]; expected [{Show(afterAcknowledged)}]{(inFlight ? $" or [{Show(afterInFlight)}]" : string.Empty)}");
                }

                state = survived;
            }
        }
    }

    /// <summary>A writer's writes: each sets or deletes one to three of its keys, several at once as a transaction.</summary>
    private static List<List<(string Key, string? Value)>> Plan(Random random, int seed, int cut, int writer)
    {
        var writes = new List<List<(string, string?)>>();
        for (var i = 0; i < WritesPerRound; i++)
        {
            var count = random.Next(1, 4);
            var keys = Enumerable.Range(0, KeysPerWriter).OrderBy(_ => random.Next()).Take(count);
            var value = $"s{seed}c{cut}w{writer}i{i}-{new string('x', 40)}";
            writes.Add(keys.Select(k => ($"w{writer}/k{k}", random.Next(6) == 0 ? null : (string?)value)).ToList());
        }

        return writes;
    }

    /// <summary>Runs the writes in order until one fails; returns how many were acknowledged and whether one failed in flight.</summary>
    private static async Task<(int Acknowledged, bool InFlight)> RunAsync(KeyValueStore store, List<List<(string Key, string? Value)>> plan)
    {
        for (var i = 0; i < plan.Count; i++)
        {
            try
            {
                var write = plan[i];
                if (write.Count > 1)
                {
                    var result = await store.TxnAsync([], [.. write.Select(m => m.Value is null ? TxnWrite.Delete(m.Key) : TxnWrite.Put(m.Key, Bytes(m.Value)))], _none);
                    Assert.True(result.Succeeded);
                }
                else if (write[0].Value is null)
                {
                    await store.DeleteAsync(write[0].Key, _none);
                }
                else
                {
                    await store.PutAsync(write[0].Key, Bytes(write[0].Value!), 0, _none);
                }
            }
            catch (StoreUnavailableException)
            {
                return (i, true);
            }
        }

        return (plan.Count, false);
    }

    private static async Task<Dictionary<string, string>> ReadAllAsync(KeyValueStore store)
    {
        var list = await store.ListAsync(null, 0, includeValues: true, _none);
        return list.Items.ToDictionary(item => item.Key, item => Text(item.Value), StringComparer.Ordinal);
    }

    private static Dictionary<string, string> Mine(Dictionary<string, string> all, int writer) =>
        all.Where(kv => kv.Key.StartsWith($"w{writer}/", StringComparison.Ordinal)).ToDictionary(StringComparer.Ordinal);

    private static Dictionary<string, string> Apply(Dictionary<string, string> state, IEnumerable<List<(string Key, string? Value)>> writes)
    {
        var next = new Dictionary<string, string>(state, StringComparer.Ordinal);
        foreach (var (key, value) in writes.SelectMany(w => w))
        {
            if (value is null)
            {
                next.Remove(key);
            }
            else
            {
                next[key] = value;
            }
        }

        return next;
    }

    private static bool Same(Dictionary<string, string> a, Dictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static string Show(Dictionary<string, string> state) =>
        string.Join(", ", state.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value[..kv.Value.IndexOf('-', StringComparison.Ordinal)]}"));
}
