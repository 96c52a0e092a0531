using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Roundabout.Contracts.Database.V1;
using Roundabout.Database.Storage;
using Roundabout.Database.Tests.Storage;
using DatabaseClient = Roundabout.Contracts.Database.V1.Database.DatabaseClient;

namespace Roundabout.Database.Tests.Grpc;

/// <summary>A full disk does not stop the database: reads go on, writes are refused and resume by themselves.</summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class DiskFullTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task DiskFull_ReadsWork_WritesAreRefusedThenResume_AndNothingAcknowledgedIsLost()
    {
        var disk = new FillableDisk();
        var acknowledged = new Dictionary<string, string>();
        await using (var server = await DatabaseServer.StartAsync(_dir.Path, disk: disk))
        {
            var client = server.Client;
            for (var i = 0; i < 5; i++)
            {
                await PutAsync(client, $"before/{i}", $"value {i}", acknowledged);
            }

            // The disk fills up in the middle of the next write: 10 bytes of its frame fit.
            disk.Fill(freeBytes: 10);
            await PutAsync(client, "in-flight", "applied in memory before the disk filled", acknowledged);
            Assert.True(disk.Refusals >= 1, "the write met the full disk");

            var refused = await Assert.ThrowsAsync<RpcException>(() => PutAsync(client, "refused", "x", acknowledged));
            Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
            Assert.Contains("is full", refused.Status.Detail, StringComparison.Ordinal);
            Assert.Contains(_dir.Path, refused.Status.Detail, StringComparison.Ordinal);
            Assert.Contains("Free space", refused.Status.Detail, StringComparison.Ordinal);

            // Reads keep working, and show what was acknowledged.
            var read = await client.GetAsync(new GetRequest { Key = "in-flight" }, deadline: Deadline());
            Assert.Equal("applied in memory before the disk filled", read.Item.Value.ToStringUtf8());
            var listed = await client.ListAsync(new ListRequest { Prefix = "before/" }, deadline: Deadline());
            Assert.Equal(5, listed.Items.Count);
            Assert.False((await client.GetAsync(new GetRequest { Key = "refused" }, deadline: Deadline())).Found);

            // Space comes back: writes resume by themselves.
            disk.FreeSpace();
            await Eventually.UntilAsync(
                async () =>
                {
                    try
                    {
                        await PutAsync(client, "after", "written once space was free", acknowledged);
                        return true;
                    }
                    catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
                    {
                        return false;
                    }
                },
                "writes are accepted again",
                TimeSpan.FromSeconds(30));
        }

        // Every acknowledged write is on disk, and no torn record was left behind.
        foreach (var (_, path) in LogSegment.List(_dir.Path))
        {
            var bytes = await File.ReadAllBytesAsync(path);
            Assert.True(SegmentScan.Read(bytes, LogSegment.Magic.Length).IsWhole, $"{path} holds a torn record");
        }

        var logger = new ListLogger();
        var (store, _) = StoreFactory.Durable(_dir.Path, logger: logger);
        await using (store)
        {
            foreach (var (key, value) in acknowledged)
            {
                var item = await store.GetAsync(key, CancellationToken.None);
                Assert.True(item is not null, $"acknowledged write {key} was lost");
                Assert.Equal(value, StoreFactory.Text(item.Value));
            }

            Assert.Null(await store.GetAsync("refused", CancellationToken.None));
        }

        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
    }

    private static async Task PutAsync(DatabaseClient client, string key, string value, Dictionary<string, string> acknowledged)
    {
        await client.PutAsync(new PutRequest { Key = key, Value = ByteString.CopyFromUtf8(value) }, deadline: Deadline());
        acknowledged[key] = value;
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(20);
}
