using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Roundabout.Database.Engine;
using Roundabout.Database.Storage;
using static Roundabout.Database.Tests.StoreFactory;

namespace Roundabout.Database.Tests.Storage;

[Trait(Tier.Name, Tier.Unit)]
public sealed class DurableLogTests : IDisposable
{
    private static readonly CancellationToken _none = CancellationToken.None;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Reopen_AfterPutsDeletesAndTxns_RestoresEveryKeyAndVersion()
    {
        var (store, _) = Durable(_dir.Path);
        await using (store)
        {
            await store.PutAsync("a", Bytes("1"), 0, _none);
            await store.PutAsync("b", Bytes("2"), 0, _none);
            await store.DeleteAsync("a", _none);
            await store.TxnAsync([new VersionCompare("b", 2)], [TxnWrite.Put("b", Bytes("3")), TxnWrite.Put("c", new byte[StoreLimits.MaxValueBytes])], _none);
            await store.PutAsync("é/ü", Bytes("utf8"), 0, _none);
        }

        var (reopened, _) = Durable(_dir.Path);
        await using (reopened)
        {
            Assert.Equal(5, reopened.Revision);
            Assert.Null(await reopened.GetAsync("a", _none));
            Assert.Equal(("3", 4L), Pair(await reopened.GetAsync("b", _none)));
            Assert.Equal(StoreLimits.MaxValueBytes, (await reopened.GetAsync("c", _none))!.Value.Length);
            Assert.Equal(("utf8", 5L), Pair(await reopened.GetAsync("é/ü", _none)));
        }
    }

    [Fact]
    public async Task Reopen_VersionsKeepGrowing_EvenAfterEveryKeyIsDeleted()
    {
        long last;
        var (store, _) = Durable(_dir.Path);
        await using (store)
        {
            await store.PutAsync("k", Bytes("1"), 0, _none);
            await store.PutAsync("k", Bytes("2"), 0, _none);
            await store.DeleteAsync("k", _none);
            last = store.Revision;
        }

        var (reopened, _) = Durable(_dir.Path);
        await using (reopened)
        {
            var version = await reopened.PutAsync("k", Bytes("3"), 0, _none);
            Assert.Equal(last + 1, version);

            // A compare-and-swap holding a version from before the restart is not fooled.
            Assert.False((await reopened.CompareAndSwapAsync("k", 1, Bytes("x"), 0, _none)).Succeeded);
        }
    }

    [Fact]
    public async Task Reopen_KeepsAbsoluteExpiry()
    {
        var time = new FakeTimeProvider();
        var (store, _) = Durable(_dir.Path, time);
        await using (store)
        {
            await store.PutAsync("short", Bytes("1"), 1_000, _none);
            await store.PutAsync("long", Bytes("1"), 60_000, _none);
        }

        time.Advance(TimeSpan.FromSeconds(30));
        var (reopened, _) = Durable(_dir.Path, time);
        await using (reopened)
        {
            Assert.Null(await reopened.GetAsync("short", _none));
            Assert.NotNull(await reopened.GetAsync("long", _none));
            time.Advance(TimeSpan.FromSeconds(30));
            Assert.Null(await reopened.GetAsync("long", _none));
        }
    }

    [Fact]
    public async Task Reopen_TornTail_IsTruncatedWithAWarningAndEarlierWritesSurvive()
    {
        var lengths = await WriteThreeFramesAsync();
        var segment = SegmentPath();
        using (var file = new FileStream(segment, FileMode.Open))
        {
            file.SetLength(lengths[2] - 3);
        }

        var logger = new ListLogger();
        var (store, _) = Durable(_dir.Path, logger: logger);
        await using (store)
        {
            Assert.NotNull(await store.GetAsync("k1", _none));
            Assert.NotNull(await store.GetAsync("k2", _none));
            Assert.Null(await store.GetAsync("k3", _none));
            Assert.Equal(lengths[1], new FileInfo(segment).Length);
            Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("torn write", StringComparison.Ordinal) && e.Message.Contains($"offset {lengths[1]}", StringComparison.Ordinal));

            // The log goes on after the cut: the next write takes the lost write's revision, which nobody was ever told.
            Assert.Equal(3, await store.PutAsync("k4", Bytes("4"), 0, _none));
        }

        var (again, _) = Durable(_dir.Path);
        await using (again)
        {
            Assert.Equal(("4", 3L), Pair(await again.GetAsync("k4", _none)));
        }
    }

    [Fact]
    public async Task Reopen_ZeroFilledTail_IsATornWrite()
    {
        var lengths = await WriteThreeFramesAsync();
        using (var file = new FileStream(SegmentPath(), FileMode.Open))
        {
            file.Position = lengths[1];
            file.Write(new byte[lengths[2] - lengths[1]]);
        }

        var (store, _) = Durable(_dir.Path);
        await using (store)
        {
            Assert.Equal(2, store.Revision);
        }
    }

    [Fact]
    public async Task Reopen_FlippedBitMidFile_RefusesNamingFileAndOffset()
    {
        var lengths = await WriteThreeFramesAsync();
        var segment = SegmentPath();
        FlipBit(segment, lengths[0] + Frame.HeaderSize + 5);

        var error = Assert.Throws<StoreOpenException>(() => Durable(_dir.Path));
        Assert.Contains(segment, error.Message, StringComparison.Ordinal);
        Assert.Contains($"byte offset {lengths[0]}", error.Message, StringComparison.Ordinal);

        // Refusing changed nothing: the damaged bytes and everything after them are still there.
        Assert.Equal(lengths[2], new FileInfo(segment).Length);
    }

    [Fact]
    public async Task Reopen_FlippedBitInALengthField_Refuses()
    {
        var lengths = await WriteThreeFramesAsync();
        FlipBit(SegmentPath(), lengths[0] + 4 + 2);
        var error = Assert.Throws<StoreOpenException>(() => Durable(_dir.Path));
        Assert.Contains($"byte offset {lengths[0]}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_DirectoryHeldByAnotherStore_Refuses()
    {
        var (log, _) = DurableLog.Open(new StorageOptions { DataDirectory = _dir.Path }, new ListLogger());
        try
        {
            var error = Assert.Throws<StoreOpenException>(() => DurableLog.Open(new StorageOptions { DataDirectory = _dir.Path }, new ListLogger()));
            Assert.Contains("in use by another database process", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await log.DisposeAsync().AsTask().DefaultTimeout();
        }
    }

    [Fact]
    public async Task ConcurrentWriters_ShareFsyncs()
    {
        // A disk that counts the fsyncs it really makes: the log's own count could count one it skipped.
        var disk = new PowerCutDisk(_dir.Path, new Random(1));
        var (log, image) = DurableLog.Open(new StorageOptions { DataDirectory = _dir.Path, Disk = disk }, NullLogger.Instance);
        var store = new KeyValueStore(image, log, TimeProvider.System);
        await using (store)
        {
            const int Writers = 200;
            var before = log.SyncCount;
            var realBefore = disk.DataSyncs;
            var writes = Enumerable.Range(0, Writers).Select(i => store.PutAsync($"k{i}", Bytes("v"), 0, _none)).ToList();
            var versions = await Task.WhenAll(writes).DefaultTimeout();
            Assert.Equal(Enumerable.Range(1, Writers).Select(i => (long)i), versions.Order());
            var syncs = log.SyncCount - before;
            var realSyncs = disk.DataSyncs - realBefore;
            Assert.True(syncs < Writers / 4, $"{Writers} concurrent writes took {syncs} fsyncs; group commit should share them");
            Assert.True(realSyncs >= 1, $"{Writers} acknowledged writes were never fsynced");
            Assert.True(syncs >= 1 && syncs <= realSyncs, $"the log counts {syncs} fsyncs of frames, but the disk made {realSyncs}");
        }
    }

    [Fact]
    public async Task Snapshot_UnderSteadyWritesToFewKeys_KeepsTheLogBoundedAndRecoversExactly()
    {
        const long Threshold = 16 * 1024;
        var (store, log) = Durable(_dir.Path, snapshotThresholdBytes: Threshold);
        var expected = new Dictionary<string, (string Value, long Version)>();
        long largestLog = 0;
        await using (store)
        {
            for (var i = 0; i < 3000; i++)
            {
                var key = $"acc/{i % 3}";
                var value = $"value-{i}-{new string('x', 40)}";
                expected[key] = (value, await store.PutAsync(key, Bytes(value), 0, _none));
                largestLog = Math.Max(largestLog, LogBytes());
            }

            await Eventually.UntilAsync(() => LogBytes() < Threshold * 2, "the last snapshot has removed the old segments");
        }

        // 3000 writes of ~70 bytes are ~300 KB of log; compaction keeps it near the threshold.
        Assert.True(largestLog < Threshold * 8, $"the log grew to {largestLog} bytes");
        Assert.True(File.Exists(_dir.File(SnapshotFile.FileName)));

        var (reopened, _) = Durable(_dir.Path);
        await using (reopened)
        {
            Assert.Equal(3000, reopened.Revision);
            foreach (var (key, (value, version)) in expected)
            {
                Assert.Equal((value, version), Pair(await reopened.GetAsync(key, _none)));
            }

            Assert.Equal(3001, await reopened.PutAsync("acc/0", Bytes("after"), 0, _none));
        }
    }

    [Fact]
    public async Task Snapshot_WithLogAfterIt_RecoversBoth()
    {
        var (store, _) = Durable(_dir.Path);
        await using (store)
        {
            await store.PutAsync("before", Bytes("1"), 0, _none);
            await store.PutAsync("deleted", Bytes("1"), 0, _none);
            await store.SnapshotNowAsync().DefaultTimeout();
            await store.PutAsync("after", Bytes("2"), 0, _none);
            await store.DeleteAsync("deleted", _none);
        }

        Assert.Single(LogSegment.List(_dir.Path));
        var (reopened, _) = Durable(_dir.Path);
        await using (reopened)
        {
            Assert.Equal(("1", 1L), Pair(await reopened.GetAsync("before", _none)));
            Assert.Equal(("2", 3L), Pair(await reopened.GetAsync("after", _none)));
            Assert.Null(await reopened.GetAsync("deleted", _none));
            Assert.Equal(4, reopened.Revision);
        }
    }

    [Fact]
    public async Task Reopen_DamagedSnapshot_Refuses()
    {
        var (store, _) = Durable(_dir.Path);
        await using (store)
        {
            await store.PutAsync("k", Bytes("value"), 0, _none);
            await store.SnapshotNowAsync().DefaultTimeout();
        }

        var snapshot = _dir.File(SnapshotFile.FileName);
        FlipBit(snapshot, new FileInfo(snapshot).Length - 20);
        var error = Assert.Throws<StoreOpenException>(() => Durable(_dir.Path));
        Assert.Contains(snapshot, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reopen_LeftoverSnapshotTempFile_IsIgnored()
    {
        var (store, _) = Durable(_dir.Path);
        await using (store)
        {
            await store.PutAsync("k", Bytes("v"), 0, _none);
        }

        await File.WriteAllBytesAsync(_dir.File(SnapshotFile.TempFileName), [1, 2, 3]);
        var (reopened, _) = Durable(_dir.Path);
        await using (reopened)
        {
            Assert.NotNull(await reopened.GetAsync("k", _none));
            Assert.False(File.Exists(_dir.File(SnapshotFile.TempFileName)));
        }
    }

    [Fact]
    public async Task Reopen_LastSegmentWithTornHeader_IsReplacedAndWritesGoOn()
    {
        var lengths = await WriteThreeFramesAsync();
        await File.WriteAllBytesAsync(_dir.File(LogSegment.FileName(4)), LogSegment.Magic.AsSpan(0, 3).ToArray());

        var logger = new ListLogger();
        var (store, _) = Durable(_dir.Path, logger: logger);
        await using (store)
        {
            Assert.Equal(3, store.Revision);
            Assert.Equal(4, await store.PutAsync("k4", Bytes("4"), 0, _none));
        }

        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(lengths[2], new FileInfo(_dir.File(LogSegment.FileName(1))).Length);
        var (again, _) = Durable(_dir.Path);
        await using (again)
        {
            Assert.Equal(4, again.Revision);
        }
    }

    [Fact]
    public async Task Reopen_MissingSegment_RefusesInsteadOfSkippingRevisions()
    {
        await WriteThreeFramesAsync();
        File.Move(_dir.File(LogSegment.FileName(1)), _dir.File(LogSegment.FileName(5)));
        var error = Assert.Throws<StoreOpenException>(() => Durable(_dir.Path));
        Assert.Contains("a log file is missing", error.Message, StringComparison.Ordinal);
    }

    private static (string, long) Pair(KeyValueItem? item) => (Text(item!.Value), item.Version);

    private static void FlipBit(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open);
        file.Position = offset;
        var b = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(b ^ 0x10));
    }

    /// <summary>Three sequential puts, each its own frame; returns the segment's length after each.</summary>
    private async Task<long[]> WriteThreeFramesAsync()
    {
        var lengths = new long[3];
        var (store, log) = Durable(_dir.Path);
        await using (store)
        {
            for (var i = 0; i < 3; i++)
            {
                await store.PutAsync($"k{i + 1}", Bytes($"value {i + 1}"), 0, _none);
                lengths[i] = log.CurrentSegmentLength;
            }
        }

        return lengths;
    }

    private string SegmentPath() => Assert.Single(LogSegment.List(_dir.Path)).Path;

    /// <summary>The log's size; a segment the snapshot deletes meanwhile counts as gone.</summary>
    private long LogBytes() => LogSegment.List(_dir.Path).Select(s => new FileInfo(s.Path)).Sum(f => f.Exists ? f.Length : 0);
}
