using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Roundabout.Contracts.Database.V1;
using DatabaseClient = Roundabout.Contracts.Database.V1.Database.DatabaseClient;

namespace Roundabout.Database.Tests.Process;

/// <summary>The real <c>roundabout database</c> on a small tmpfs that fills up (needs root, as CI has).</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class DiskFullProcessTests
{
    private const string RunningLine = @"\[Database\] Shared Memory running on port :(?<port>\d+)$";

    [Fact]
    public async Task DiskFull_OnATmpfs_KeepsRunningAndReading_RefusesWrites_AndResumesWhenSpaceIsFreed()
    {
        TmpfsMount.RequireRoot();
        using var tmpfs = TmpfsMount.Create("12m");
        var filler = Path.Combine(tmpfs.Path, "filler");
        await File.WriteAllBytesAsync(filler, RandomNumberGenerator.GetBytes(3 * 1024 * 1024));
        var dataDir = Path.Combine(tmpfs.Path, "database");
        var value = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32 * 1024));
        var acknowledged = new List<string>();

        await using (var db = CliProcess.Start("database", "--port", "0", "--data-dir", dataDir))
        {
            var port = await db.WaitForPortAsync(RunningLine);
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
            var client = new DatabaseClient(channel);

            RpcException? refused = null;
            for (var i = 0; i < 1000 && refused is null; i++)
            {
                try
                {
                    await client.PutAsync(new PutRequest { Key = $"k/{i}", Value = value }, deadline: Deadline());
                    acknowledged.Add($"k/{i}");
                }
                catch (RpcException ex)
                {
                    refused = ex;
                }
            }

            Assert.NotNull(refused);
            Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
            Assert.Contains($"{dataDir} is full", refused.Status.Detail, StringComparison.Ordinal);
            Assert.True(acknowledged.Count > 10, $"only {acknowledged.Count} puts fit");
            Assert.False(db.HasExited, "the database stopped on a full disk");
            // Logged by the database after it refused the write: wait for it rather than read the lines so far.
            await db.WaitForLineAsync("is full: writes are refused");
            Assert.Contains(db.Lines, l => l.Contains("is full: writes are refused", StringComparison.Ordinal));

            // Reads go on.
            var first = await client.GetAsync(new GetRequest { Key = acknowledged[0] }, deadline: Deadline());
            Assert.Equal(value, first.Item.Value);
            var last = await client.GetAsync(new GetRequest { Key = acknowledged[^1] }, deadline: Deadline());
            Assert.Equal(value, last.Item.Value);

            // Space is freed: writes resume by themselves.
            File.Delete(filler);
            await Eventually.UntilAsync(
                async () =>
                {
                    try
                    {
                        await client.PutAsync(new PutRequest { Key = "after", Value = ByteString.CopyFromUtf8("back") }, deadline: Deadline());
                        return true;
                    }
                    catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
                    {
                        return false;
                    }
                },
                "writes are accepted again",
                TimeSpan.FromSeconds(30));
            acknowledged.Add("after");
            await db.WaitForLineAsync("has room again");
            Assert.Contains(db.Lines, l => l.Contains("has room again", StringComparison.Ordinal));

            db.Terminate();
            Assert.Equal(0, await db.WaitForExitAsync());
        }

        await using var restarted = CliProcess.Start("database", "--port", "0", "--data-dir", dataDir);
        var newPort = await restarted.WaitForPortAsync(RunningLine);
        Assert.DoesNotContain(restarted.Lines, l => l.Contains("torn", StringComparison.Ordinal));
        using var newChannel = GrpcChannel.ForAddress($"http://127.0.0.1:{newPort}");
        var after = new DatabaseClient(newChannel);
        foreach (var key in acknowledged)
        {
            Assert.True((await after.GetAsync(new GetRequest { Key = key }, deadline: Deadline())).Found, $"acknowledged write {key} was lost");
        }
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(20);
}
