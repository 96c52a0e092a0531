using System.Collections.Concurrent;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Roundabout.Contracts.Database.V1;
using Roundabout.Database.Storage;
using DatabaseClient = Roundabout.Contracts.Database.V1.Database.DatabaseClient;

namespace Roundabout.Database.Tests.Process;

/// <summary>The real <c>roundabout database</c> executable: start-up lines, refusal of a damaged log, and kill -9.</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class DatabaseProcessTests : IDisposable
{
    private const string RunningLine = @"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} \[Database\] Shared Memory running on port :(?<port>\d+)$";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Start_PrintsTheExerciseLine_AndStopsCleanlyOnSigterm()
    {
        await using var db = CliProcess.Start("database", "--port", "0", "--data-dir", _dir.Path);
        var port = await db.WaitForPortAsync(RunningLine);
        using (var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}"))
        {
            var client = new DatabaseClient(channel);
            Assert.Equal(1, (await client.PutAsync(new PutRequest { Key = "k", Value = ByteString.CopyFromUtf8("v") })).Version);
        }

        db.Terminate();
        Assert.Equal(0, await db.WaitForExitAsync());
        Assert.Contains(db.Lines, l => l.EndsWith("[Database] Database stopped; every acknowledged write is on disk", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stop_InMemory_SaysItsDataIsGone_NotThatItIsOnDisk()
    {
        await using var db = CliProcess.Start("database", "--port", "0", "--in-memory");
        await db.WaitForPortAsync(RunningLine);

        db.Terminate();
        Assert.Equal(0, await db.WaitForExitAsync());
        Assert.Contains(db.Lines, l => l.EndsWith("[Database] Database stopped; it ran in memory, so everything it held is gone", StringComparison.Ordinal));
        Assert.DoesNotContain(db.Lines, l => l.Contains("on disk", StringComparison.Ordinal) && l.Contains("stopped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_OnADamagedLog_ExitsNonZeroWithOneLineNamingFileAndOffset()
    {
        var (store, log) = StoreFactory.Durable(_dir.Path);
        var offsets = new List<long>();
        await using (store)
        {
            for (var i = 0; i < 3; i++)
            {
                offsets.Add(log.CurrentSegmentLength);
                await store.PutAsync($"k{i}", StoreFactory.Bytes("value"), 0, CancellationToken.None);
            }
        }

        var segment = Assert.Single(LogSegment.List(_dir.Path)).Path;
        var bytes = await File.ReadAllBytesAsync(segment);
        bytes[offsets[1] + Frame.HeaderSize + 2] ^= 0x01;
        await File.WriteAllBytesAsync(segment, bytes);

        await using var db = CliProcess.Start("database", "--port", "0", "--data-dir", _dir.Path);
        Assert.NotEqual(0, await db.WaitForExitAsync());
        var line = Assert.Single(db.Lines, l => l.Contains("damaged", StringComparison.Ordinal));
        Assert.Contains("[Database] Error:", line, StringComparison.Ordinal);
        Assert.Contains(segment, line, StringComparison.Ordinal);
        Assert.Contains($"byte offset {offsets[1]}", line, StringComparison.Ordinal);
        Assert.DoesNotContain(db.Lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain(db.Lines, l => l.Contains("Shared Memory running", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_InMemoryWithDataDir_IsRefused()
    {
        await using var db = CliProcess.Start("database", "--in-memory", "--data-dir", _dir.Path);
        Assert.NotEqual(0, await db.WaitForExitAsync());
        Assert.Contains(db.Lines, l => l.Contains("--in-memory and --data-dir cannot be combined", StringComparison.Ordinal));
    }

    [Fact]
    public async Task KillDashNine_MidLoad_LosesNoAcknowledgedWrite()
    {
        var acked = new ConcurrentDictionary<string, (string Value, long Version)>();
        var ackedCounts = new ConcurrentBag<long>();
        long maxVersion = 0;
        var killed = false; // Before the kill, any error fails the test: only the crash may end the load.

        await using (var db = CliProcess.Start("database", "--port", "0", "--data-dir", _dir.Path))
        {
            var port = await db.WaitForPortAsync(RunningLine);
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
            var client = new DatabaseClient(channel);
            await client.PutAsync(new PutRequest { Key = "counter", Value = ByteString.CopyFromUtf8("0") }, deadline: Deadline());

            var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
            {
                for (var i = 0; ; i++)
                {
                    var key = $"w/{w}/{i}";
                    var value = $"{w}:{i}";
                    try
                    {
                        var reply = await client.PutAsync(new PutRequest { Key = key, Value = ByteString.CopyFromUtf8(value) }, deadline: Deadline());
                        acked[key] = (value, reply.Version);
                        InterlockedMax(ref maxVersion, reply.Version);
                    }
                    catch (RpcException) when (Volatile.Read(ref killed))
                    {
                        return; // The database died: this write's outcome is unknown.
                    }
                }
            }));
            var incrementers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
            {
                while (true)
                {
                    try
                    {
                        var current = await client.GetAsync(new GetRequest { Key = "counter" }, deadline: Deadline());
                        var next = long.Parse(current.Item.Value.ToStringUtf8(), CultureInfo.InvariantCulture) + 1;
                        var cas = await client.CompareAndSwapAsync(
                            new CompareAndSwapRequest { Key = "counter", ExpectedVersion = current.Item.Version, Value = ByteString.CopyFromUtf8(next.ToString(CultureInfo.InvariantCulture)) },
                            deadline: Deadline());
                        if (cas.Succeeded)
                        {
                            ackedCounts.Add(next);
                            InterlockedMax(ref maxVersion, cas.Version);
                        }
                    }
                    catch (RpcException) when (Volatile.Read(ref killed))
                    {
                        return;
                    }
                }
            }));
            var load = writers.Concat(incrementers).ToList();

            await Eventually.UntilAsync(() => acked.Count >= 400 && ackedCounts.Count >= 20, "the load has some acknowledged writes", TimeSpan.FromSeconds(90));
            Assert.All(load, task => Assert.False(task.IsFaulted, $"a load worker failed before the kill: {task.Exception?.InnerException?.Message}"));
            Volatile.Write(ref killed, true);
            db.Kill();
            await Task.WhenAll(load).WaitAsync(TimeSpan.FromSeconds(60));
        }

        await using var restarted = CliProcess.Start("database", "--port", "0", "--data-dir", _dir.Path);
        var newPort = await restarted.WaitForPortAsync(RunningLine);
        using var newChannel = GrpcChannel.ForAddress($"http://127.0.0.1:{newPort}");
        var after = new DatabaseClient(newChannel);

        foreach (var (key, (value, version)) in acked)
        {
            var got = await after.GetAsync(new GetRequest { Key = key }, deadline: Deadline());
            Assert.True(got.Found, $"acknowledged write {key} (version {version}) was lost");
            Assert.Equal((value, version), (got.Item.Value.ToStringUtf8(), got.Item.Version));
        }

        // Every acknowledged increment was +1 from the value before it, so the counter holds at least the largest.
        var counter = long.Parse((await after.GetAsync(new GetRequest { Key = "counter" }, deadline: Deadline())).Item.Value.ToStringUtf8(), CultureInfo.InvariantCulture);
        Assert.True(counter >= ackedCounts.Max(), $"counter is {counter} but {ackedCounts.Max()} was acknowledged");

        // Versions are never reused after the crash.
        var fresh = await after.PutAsync(new PutRequest { Key = "after-crash", Value = ByteString.CopyFromUtf8("x") }, deadline: Deadline());
        Assert.True(fresh.Version > maxVersion, $"version {fresh.Version} after restart is not above {maxVersion}");
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(20);

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while ((current = Interlocked.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
