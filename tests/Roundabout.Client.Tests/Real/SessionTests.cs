using System.Globalization;
using System.Numerics;
using Roundabout.Contracts.Database.V1;
using DatabaseClient = Roundabout.Contracts.Database.V1.Database.DatabaseClient;

namespace Roundabout.Client.Tests.Real;

/// <summary>
/// The client's session against the real servers and database: what the database keeps for it,
/// and what happens when the database no longer knows it.
/// </summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class SessionTests
{
    [Fact]
    public async Task Multiplies_OneAtATime_LeaveTheSessionRecordHoldingOnlyTheLastAnswer()
    {
        await using var cluster = await InProcessCluster.StartAsync(servers: 2);
        var client = cluster.CreateClient();
        var name = "kept" + Guid.NewGuid().ToString("N")[..10];

        for (var i = 0; i < 30; i++)
        {
            await client.MultiplyAsync("2", name).DefaultTimeout();
        }

        // Each call confirmed the one before it: the record keeps the floor and the 30th answer.
        var record = await RecordAsync(cluster, name, client.Session.Id);
        Assert.Equal($"30 30={BigInteger.Pow(2, 30).ToString(CultureInfo.InvariantCulture)}", record);
    }

    [Fact]
    public async Task Multiply_AfterTheDatabaseLostTheSessionRecord_StartsANewSessionAndIsAppliedOnce()
    {
        await using var cluster = await InProcessCluster.StartAsync(servers: 2);
        var client = cluster.CreateClient();
        var name = "lost" + Guid.NewGuid().ToString("N")[..10];
        await client.MultiplyAsync("3", name).DefaultTimeout();
        await client.MultiplyAsync("5", name).DefaultTimeout();
        var first = client.Session.Id;

        // As if the record had expired: the next call says it has answers below 3, which the store cannot check.
        var database = new DatabaseClient(cluster.Channel(cluster.DatabaseDirectPort));
        await database.DeleteAsync(new DeleteRequest { Key = $"acc/{{{name}}}/session/{first}" }).ResponseAsync.DefaultTimeout();
        var result = await client.MultiplyAsync("7", name).DefaultTimeout();

        Assert.Equal("105", result.Result);
        Assert.False(result.Replayed);
        Assert.NotEqual(first, client.Session.Id);
        Assert.Equal(client.Session.Id + "#1", result.RequestId);
        Assert.Equal("105", (await client.GetAccumulatorAsync(name).DefaultTimeout()).Value);
    }

    private static async Task<string> RecordAsync(InProcessCluster cluster, string name, string session)
    {
        var database = new DatabaseClient(cluster.Channel(cluster.DatabaseDirectPort));
        var reply = await database.GetAsync(new GetRequest { Key = $"acc/{{{name}}}/session/{session}" }).ResponseAsync.DefaultTimeout();
        Assert.True(reply.Found, "the session has a record");
        return reply.Item.Value.ToStringUtf8();
    }
}
