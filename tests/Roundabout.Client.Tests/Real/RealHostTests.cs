using Roundabout.Cli.Bench;

namespace Roundabout.Client.Tests.Real;

/// <summary>The client against the real registry, database and servers.</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class RealHostTests
{
    [Fact]
    public async Task RoundRobin_OverRealServers_CyclesThroughThemInOrder()
    {
        await using var cluster = await InProcessCluster.StartAsync(servers: 3);
        var client = cluster.CreateClient();
        await Eventually.UntilAsync(async () => (await client.RefreshAsync()).Count == 3, "three servers are registered");
        await BalancingTests.WarmUpAsync(client, 3);

        var order = new List<string>();
        for (var i = 0; i < 9; i++)
        {
            order.Add((await client.SumAsync("2", "3").DefaultTimeout()).Server);
        }

        Assert.Equal(cluster.Servers.Select(s => s.Address).Order(), order.Take(3).Order());
        for (var i = 3; i < order.Count; i++)
        {
            Assert.Equal(order[i - 3], order[i]);
        }
    }

    [Fact]
    public async Task ConcurrentMultiplies_ThroughRealServers_AreAllApplied()
    {
        await using var cluster = await InProcessCluster.StartAsync(servers: 2);
        var client = cluster.CreateClient();
        await Eventually.UntilAsync(async () => (await client.RefreshAsync()).Count == 2, "two servers are registered");
        var name = $"real-{Guid.NewGuid():N}";

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await client.MultiplyAsync("2", name);
            }
        }))).DefaultTimeout();

        Assert.Equal((System.Numerics.BigInteger.One << 100).ToString(), (await client.GetAccumulatorAsync(name).DefaultTimeout()).Value);
        Assert.Equal("1", (await client.ResetAsync(name).DefaultTimeout()).Value);
    }

    [Fact]
    public async Task Bench_OneOfThreeServerProcessesKilledAsWithKill9_NoCallFails()
    {
        await using var cluster = await InProcessCluster.StartAsync(servers: 0);
        var servers = new List<(CliProcess Process, string Address)>();
        for (var i = 0; i < 3; i++)
        {
            servers.Add(await cluster.AddServerProcessAsync());
        }

        var client = cluster.CreateClient();
        await Eventually.UntilAsync(async () => (await client.RefreshAsync()).Count == 3, "three servers are registered");
        await BalancingTests.WarmUpAsync(client, 3);
        var completed = 0L;
        var options = new BenchOptions { Concurrency = 16, Requests = 6000, ProgressInterval = TimeSpan.FromMilliseconds(20) };

        var bench = BenchRunner.RunAsync(client, options, p => Interlocked.Exchange(ref completed, p.Completed));
        await Eventually.UntilAsync(() => Interlocked.Read(ref completed) >= 1500 || bench.IsCompleted, "the bench is under way");
        var victim = servers[0];
        victim.Process.Kill();
        await victim.Process.WaitForExitAsync();
        var report = await bench.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(0, report.Errors);
        Assert.Equal(6000, report.Servers.Values.Sum());
        Assert.True(report.Servers.GetValueOrDefault(victim.Address) < 6000 / 3, "the dead server kept getting its share");
    }
}
