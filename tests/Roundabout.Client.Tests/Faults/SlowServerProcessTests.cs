using Roundabout.Cli.Bench;

namespace Roundabout.Client.Tests.Faults;

/// <summary>
/// A real <c>roundabout server</c> process slowed on purpose with <c>--inject-latency</c>, beside two
/// healthy ones: round-robin keeps sending it its share, peak EWMA sheds it.
/// </summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class SlowServerProcessTests
{
    [Fact]
    public async Task OneServerSlowedWithInjectLatency_EwmaSendsItFarFewerCallsThanRoundRobin()
    {
        await using var cluster = await InProcessCluster.StartAsync(servers: 0);
        await cluster.AddServerProcessAsync();
        await cluster.AddServerProcessAsync();
        var slow = await cluster.AddServerProcessAsync("--inject-latency", "300ms");
        var roundRobin = cluster.CreateClient(o => o.Policy = BalancingPolicy.RoundRobin);
        var ewma = cluster.CreateClient(o => o.Policy = BalancingPolicy.PeakEwma);
        await Eventually.UntilAsync(async () => (await roundRobin.RefreshAsync()).Count == 3, "three servers are registered");
        await ewma.RefreshAsync();

        // The slowed server says so, at start and in the registry.
        Assert.Contains("FAULTS INJECTED, to learn from: latency:300ms", slow.Process.Output, StringComparison.Ordinal);
        var listed = await ewma.ListServersAsync();
        Assert.Equal("latency:300ms", listed.Single(s => s.Address == slow.Address).Metadata["faults"]);

        var options = new BenchOptions { Concurrency = 4, Requests = 300 };
        var spread = await BenchRunner.RunAsync(roundRobin, options).WaitAsync(TimeSpan.FromMinutes(2));
        var shed = await BenchRunner.RunAsync(ewma, options).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(0, spread.Errors);
        Assert.Equal(0, shed.Errors);
        var toSlowRoundRobin = spread.Servers.GetValueOrDefault(slow.Address);
        var toSlowEwma = shed.Servers.GetValueOrDefault(slow.Address);
        Assert.True(toSlowRoundRobin >= 90, $"round-robin sent the slow server {toSlowRoundRobin} of 300 calls, not about a third");
        Assert.True(toSlowEwma * 10 <= toSlowRoundRobin, $"ewma sent the slow server {toSlowEwma} calls, round-robin {toSlowRoundRobin}");
    }
}
