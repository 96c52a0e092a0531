namespace Roundabout.Client.Tests.Real;

/// <summary>Round-robin is strict from a fresh session's first call: every server in list order.</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class StrictRoundRobinTests
{
    [Fact]
    public async Task FreshClient_FirstCalls_GoToEveryServerInListOrder()
    {
        await using var cluster = await InProcessCluster.StartAsync(servers: 3);
        var probe = cluster.CreateClient();
        await Eventually.UntilAsync(async () => (await probe.ListServersAsync()).Count == 3, "three servers are registered");

        // Several fresh sessions: each must start at the first listed server and take them in turn.
        for (var session = 0; session < 4; session++)
        {
            var client = cluster.CreateClient();
            var listed = (await client.StartAsync().DefaultTimeout()).Select(s => s.Address).ToArray();
            var served = new List<string>();
            for (var call = 0; call < 6; call++)
            {
                served.Add((await client.SumAsync("1", "2").DefaultTimeout()).Server);
            }

            Assert.Equal([.. listed, .. listed], served);
        }
    }

    [Fact]
    public async Task FreshClient_AServerThatRefusesConnections_DoesNotHoldTheFirstCallUp()
    {
        await using var cluster = await InProcessCluster.StartAsync(servers: 1);
        var (killed, killedAddress) = await cluster.AddServerProcessAsync();
        var probe = cluster.CreateClient();
        await Eventually.UntilAsync(async () => (await probe.ListServersAsync()).Count == 2, "two servers are registered");

        // Killed as with kill -9: the registry lists it until its lease runs out, but it refuses connections.
        killed.Kill();
        await killed.WaitForExitAsync();
        var client = cluster.CreateClient();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var listed = await client.StartAsync().DefaultTimeout();
        var reply = await client.SumAsync("1", "2").DefaultTimeout();

        Assert.Contains(listed, s => s.Address == killedAddress);
        Assert.NotEqual(killedAddress, reply.Server);
        Assert.True(started.Elapsed < RoundaboutClient.FirstConnectWait, $"the first call waited {started.Elapsed} for a server that refuses connections");
    }
}
