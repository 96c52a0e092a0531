namespace Roundabout.Client.Tests.Faults;

/// <summary>
/// Real <c>roundabout server</c> processes under the real client, killed with SIGKILL or frozen
/// with SIGSTOP while it works; the registry and the database are hosts in the test process.
/// </summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class ServerProcessFaultTests
{
    [Fact]
    public async Task KillDashNineOfAServer_DuringAMultiplyLoad_NoCallFailsAndEachIsAppliedOnce()
    {
        await using var cluster = await InProcessCluster.StartAsync(servers: 0);
        var victim = await cluster.AddServerProcessAsync();
        await cluster.AddServerProcessAsync();
        var client = cluster.CreateClient(o => o.Deadline = TimeSpan.FromSeconds(10));
        await Eventually.UntilAsync(async () => (await client.RefreshAsync()).Count == 2, "two servers are registered");
        await BalancingTests.WarmUpAsync(client, 2);
        var load = new PrimeLoad(client, workers: 4, perWorker: 50);
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var running = load.RunAsync(halfway: killed.Task);
        long killedAt;
        try
        {
            await Eventually.UntilAsync(() => load.Acknowledged.Count >= 40, "40 multiplies are acknowledged");
            killedAt = TimeProvider.System.GetTimestamp();
            victim.Process.Kill();
            await victim.Process.WaitForExitAsync();
        }
        finally
        {
            killed.TrySetResult();
        }

        await running.WaitAsync(TimeSpan.FromMinutes(2));

        // The kill hit a working load: calls had started and not ended when it was sent.
        Assert.True(load.CallsInFlightAt(killedAt) > 0, "no call was in flight when the server was killed");

        // Not one call failed, not even with an unknown outcome: the client retried each on the survivor.
        Assert.Empty(load.Unknown);
        await load.AssertEachAppliedOnceAsync();
    }

    [Fact]
    public async Task PausedServer_IsEjectedByTheClient_WhichKeepsServingFromTheOther()
    {
        await using var cluster = await InProcessCluster.StartAsync(servers: 0);
        var paused = await cluster.AddServerProcessAsync();
        var healthy = await cluster.AddServerProcessAsync();
        var client = cluster.CreateClient(o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(500);
            o.Deadline = TimeSpan.FromSeconds(10);
            o.Outliers.BaseEjectionTime = TimeSpan.FromMinutes(5);
            o.Outliers.MaxEjectionTime = TimeSpan.FromMinutes(5);
        });
        await Eventually.UntilAsync(async () => (await client.RefreshAsync()).Count == 2, "two servers are registered");
        await BalancingTests.WarmUpAsync(client, 2);
        var name = "paused" + Guid.NewGuid().ToString("N")[..8];

        paused.Process.Pause();
        try
        {
            // A frozen process keeps its sockets: connections hang rather than fail, and only the attempt timeout sees it.
            // Counted, not asserted, in the loop: the polling helper would swallow an Assert.
            var failed = new List<string>();
            await Eventually.UntilAsync(
                async () =>
                {
                    try
                    {
                        await client.SumAsync("2", "3");
                    }
                    catch (Grpc.Core.RpcException ex)
                    {
                        failed.Add(ex.Status.ToString());
                    }

                    return client.Health.IsEjected(paused.Address);
                },
                "the paused server is ejected");
            Assert.Empty(failed);

            for (var i = 0; i < 20; i++)
            {
                var result = await client.MultiplyAsync("2", name).DefaultTimeout();
                Assert.Equal(healthy.Address, result.Server);
            }

            Assert.Equal((System.Numerics.BigInteger.One << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), (await client.GetAccumulatorAsync(name).DefaultTimeout()).Value);
            Assert.True(client.Health.IsEjected(paused.Address));
        }
        finally
        {
            paused.Process.Resume();
        }
    }
}
