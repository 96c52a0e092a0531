using Grpc.Core;
using Roundabout.Testing.Fakes;

namespace Roundabout.Client.Tests;

[Trait(Tier.Name, Tier.Host)]
public sealed class EjectionTests
{
    [Fact]
    public async Task AHungServer_IsEjectedAfterFailuresInARow_AndGetsNoCallsWhileEjected()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 2);
        var client = cluster.CreateClient(o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(300);
            o.Outliers.BaseEjectionTime = TimeSpan.FromMinutes(5);
            o.Outliers.MaxEjectionTime = TimeSpan.FromMinutes(5);
        });
        await BalancingTests.WarmUpAsync(client, 2);
        var hung = cluster.Servers[0];
        hung.Calculator.Hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await Eventually.UntilAsync(
            async () =>
            {
                await client.SumAsync("1", "1");
                return client.Health.IsEjected(hung.Address);
            },
            "the hung server is ejected");
        var healthyBefore = cluster.Servers[1].Calculator.Served;
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(cluster.Servers[1].Address, (await client.SumAsync("2", "3").DefaultTimeout()).Server);
        }

        hung.Calculator.Hang.SetResult();
        Assert.Equal(healthyBefore + 20, cluster.Servers[1].Calculator.Served);
    }

    [Fact]
    public async Task EveryServerEjected_PanicModeStillTriesThemAll()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 2);
        var client = cluster.CreateClient(o =>
        {
            o.Deadline = TimeSpan.FromSeconds(2);
            o.AttemptTimeout = TimeSpan.FromMilliseconds(200);
            o.RefreshRateLimit = TimeSpan.FromMinutes(5);
            o.Outliers.BaseEjectionTime = TimeSpan.FromMinutes(5);
            o.Outliers.MaxEjectionTime = TimeSpan.FromMinutes(5);
        });
        await BalancingTests.WarmUpAsync(client, 2);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var server in cluster.Servers)
        {
            server.Calculator.Hang = gate;
        }

        // The polling helper swallows exceptions, so a call that wrongly succeeds is counted, not asserted, in the loop.
        var answeredWhileHung = 0;
        await Eventually.UntilAsync(
            async () =>
            {
                try
                {
                    await client.SumAsync("1", "1");
                    answeredWhileHung++;
                }
                catch (RpcException)
                {
                }

                return cluster.Servers.All(s => client.Health.IsEjected(s.Address));
            },
            "both servers are ejected");
        gate.SetResult();
        Assert.Equal(0, answeredWhileHung);

        var result = await client.SumAsync("2", "3").DefaultTimeout();

        Assert.Equal("5", result.Result);
        Assert.All(cluster.Servers, s => Assert.True(client.Health.IsEjected(s.Address)));
    }
}
