using Roundabout.Cli.Bench;
using Roundabout.Testing.Fakes;

namespace Roundabout.Client.Tests;

[Trait(Tier.Name, Tier.Host)]
public sealed class BalancingTests
{
    [Fact]
    public async Task RoundRobin_OnceAllServersAreConnected_CyclesThroughThemInOrder()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 3);
        var client = cluster.CreateClient();

        // Wait until all three are connected: the picker covers the ready servers only.
        var recent = new List<string>();
        await Eventually.UntilAsync(
            async () =>
            {
                recent.Add((await client.SumAsync("1", "1")).Server);
                return recent.TakeLast(3).Distinct().Count() == 3;
            },
            "every server has answered");

        var order = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            order.Add((await client.SumAsync("2", "3").DefaultTimeout()).Server);
        }

        Assert.Equal(3, order.Take(3).Distinct().Count());
        for (var i = 3; i < order.Count; i++)
        {
            Assert.Equal(order[i - 3], order[i]);
        }

        // In list order: each call goes to the server listed after the previous one.
        var listed = (await client.StartAsync().DefaultTimeout()).Select(s => s.Address).ToList();
        for (var i = 1; i < order.Count; i++)
        {
            Assert.Equal(listed[(listed.IndexOf(order[i - 1]) + 1) % listed.Count], order[i]);
        }

        // And from the first listed server: fresh sessions (each with its own random source, which
        // round-robin must not use for its start) begin with it and take the rest in turn.
        for (var session = 0; session < 4; session++)
        {
            var fresh = cluster.CreateClient(o => o.Random = new Random(session));
            var freshListed = (await fresh.StartAsync().DefaultTimeout()).Select(s => s.Address).ToArray();
            var served = new List<string>();
            for (var call = 0; call < 6; call++)
            {
                served.Add((await fresh.SumAsync("2", "3").DefaultTimeout()).Server);
            }

            Assert.Equal([.. freshListed, .. freshListed], served);
        }
    }

    [Fact]
    public async Task ServerList_IsFetchedOnceAtSessionStart_EvenWhenAServerDies()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 3);
        var client = cluster.CreateClient();

        for (var i = 0; i < 30; i++)
        {
            await client.SumAsync("2", "3").DefaultTimeout();
        }

        await cluster.Servers[0].KillAsync();
        for (var i = 0; i < 30; i++)
        {
            await client.SumAsync("2", "3").DefaultTimeout();
        }

        Assert.Equal(1, cluster.Registry.ListCalls);
        Assert.Equal(1, client.RegistryFetches);
    }

    [Fact]
    public async Task PowerOfTwoChoices_SendsLessTrafficToASlowServer_ThanRoundRobin()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 3);
        var slow = cluster.Servers[0];
        slow.Calculator.Delay = TimeSpan.FromMilliseconds(100);

        var roundRobin = await RunAsync(cluster, BalancingPolicy.RoundRobin);
        var p2c = await RunAsync(cluster, BalancingPolicy.PowerOfTwoChoices);

        var roundRobinShare = roundRobin.Servers.GetValueOrDefault(slow.Address);
        var p2cShare = p2c.Servers.GetValueOrDefault(slow.Address);
        Assert.Equal(0, roundRobin.Errors);
        Assert.Equal(0, p2c.Errors);
        Assert.True(p2cShare < roundRobinShare, $"p2c sent {p2cShare} calls to the slow server, round-robin {roundRobinShare}");
    }

    [Fact]
    public async Task Bench_Cancelled_ReturnsTheReportOfWhatRan()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 2);
        var client = cluster.CreateClient();
        using var stop = new CancellationTokenSource();
        var completed = 0L;
        var options = new BenchOptions { Concurrency = 4, Duration = TimeSpan.FromMinutes(10), ProgressInterval = TimeSpan.FromMilliseconds(20) };

        var bench = BenchRunner.RunAsync(client, options, p => Interlocked.Exchange(ref completed, p.Completed), cancellationToken: stop.Token);
        await Eventually.UntilAsync(() => Interlocked.Read(ref completed) >= 50, "the bench is under way");
        await stop.CancelAsync();
        var report = await bench.DefaultTimeout();

        Assert.True(report.Requests >= 50);
        Assert.Equal(0, report.Errors);
        Assert.Equal(report.Requests, report.Servers.Values.Sum());
    }

    private static async Task<BenchReport> RunAsync(TestCluster cluster, BalancingPolicy policy)
    {
        var client = cluster.CreateClient(o => o.Policy = policy);
        await WarmUpAsync(client, cluster.Servers.Count);
        return await BenchRunner.RunAsync(client, new BenchOptions { Concurrency = 8, Requests = 300 }).DefaultTimeout();
    }

    internal static async Task WarmUpAsync(RoundaboutClient client, int servers)
    {
        var seen = new HashSet<string>();
        await Eventually.UntilAsync(
            async () =>
            {
                seen.Add((await client.SumAsync("1", "1")).Server);
                return seen.Count == servers;
            },
            $"all {servers} servers have answered");
    }
}
