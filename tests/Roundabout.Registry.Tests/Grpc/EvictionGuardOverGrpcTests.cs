using Grpc.Core;
using Roundabout.Contracts.Registry.V1;

namespace Roundabout.Registry.Tests.Grpc;

/// <summary>The eviction guard as clients see it: suspects are listed with the flag, then evicted.</summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class EvictionGuardOverGrpcTests
{
    [Fact]
    public async Task TwoOfThreeStopRenewing_AreListedAsSuspectThenEvicted_WhileTheLiveOneStays()
    {
        // A 4 s TTL against heartbeats every 250 ms: the live lease survives 3.75 s without a renewal.
        // The test process's own timers and thread pool stall for over a second on two loaded cores,
        // and 1.5 s (a 1.25 s margin) once let such a stall evict the live server.
        await using var registry = await RunningRegistry.StartAsync(new RegistryHostOptions { Ttl = TimeSpan.FromSeconds(4) });
        var live = await registry.Client.RegisterAsync(new RegisterRequest { Address = "localhost:9001" }).ResponseAsync.DefaultTimeout();
        await registry.Client.RegisterAsync(new RegisterRequest { Address = "localhost:9002" }).ResponseAsync.DefaultTimeout();
        await registry.Client.RegisterAsync(new RegisterRequest { Address = "localhost:9003" }).ResponseAsync.DefaultTimeout();
        using var stop = new CancellationTokenSource();
        var heartbeats = HeartbeatAsync(registry, live.LeaseId, stop.Token);
        try
        {
            await Eventually.UntilAsync(
                async () => (await ListAsync(registry)).Count(i => i.Suspect && i.Address != "localhost:9001") == 2,
                "the two silent servers are held as suspect");
            await Eventually.UntilAsync(
                async () => (await ListAsync(registry)).Select(i => i.Address).SequenceEqual(["localhost:9001"]),
                "the suspects are evicted and the live server stays");
        }
        finally
        {
            await stop.CancelAsync();
            await heartbeats.DefaultTimeout();
        }
    }

    private static async Task<IReadOnlyList<Instance>> ListAsync(RunningRegistry registry) =>
        (await registry.Client.ListInstancesAsync(new ListInstancesRequest()).ResponseAsync.DefaultTimeout()).Instances;

    /// <summary>A live server's heartbeats: renew every 250 ms until stopped.</summary>
    private static async Task HeartbeatAsync(RunningRegistry registry, string leaseId, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await registry.Client.RenewAsync(new RenewRequest { LeaseId = leaseId }, cancellationToken: cancellationToken);
            }
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or RpcException)
        {
        }
    }
}
