using Roundabout.Cli.Bench;
using Roundabout.Testing.Fakes;

namespace Roundabout.Cli.Tests;

/// <summary>The open loop sends each call at its planned time, whether or not earlier ones have answered.</summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class OpenLoopTests
{
    [Fact]
    public async Task OpenLoop_AgainstAServerThatHoldsEveryCall_StillSendsEveryPlannedCall_AndCountsThemOnTimeOnceAnswered()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 1);
        var server = cluster.Servers[0];
        server.Calculator.Hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = cluster.CreateClient(o => o.Deadline = TimeSpan.FromMinutes(1));
        var options = new BenchOptions { Rate = 100, Requests = 20, Timeout = TimeSpan.FromMinutes(1) };

        var run = OpenLoopRunner.RunAsync(client, options);

        // A closed loop would wait for the first answer; the open loop has all 20 in flight at once.
        await Eventually.UntilAsync(() => client.Health.Outstanding(server.Address) == 20, "all 20 planned calls are in flight");
        Assert.Equal(0, server.Calculator.Served);
        server.Calculator.Hang.SetResult();
        var report = await run.DefaultTimeout();

        Assert.Equal(20, report.Requests);
        Assert.Equal(0, report.Errors);
        Assert.Equal(20, report.Servers[server.Address]);
        Assert.Equal(new OpenLoopFigures(100, TimeSpan.FromMinutes(1), 20), report.OpenLoop);
        Assert.Equal(1, report.OpenLoop!.OnTimeShare(report.Requests));
    }

    [Fact]
    public async Task OpenLoop_ACallAnsweredAfterTheTimeout_IsNotASuccessWithinIt()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 1);
        var server = cluster.Servers[0];
        server.Calculator.Hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = cluster.CreateClient(o => o.Deadline = TimeSpan.FromMinutes(1));
        var options = new BenchOptions { Rate = 100, Requests = 5, Timeout = TimeSpan.FromMilliseconds(50) };

        var run = OpenLoopRunner.RunAsync(client, options);
        await Eventually.UntilAsync(() => client.Health.Outstanding(server.Address) == 5, "all 5 planned calls are in flight");
        // Every call was planned before it went out, so once 200 ms have passed from here the timeout
        // has passed for all of them. (Timing from before RunAsync would not do: the client's start,
        // slow on a loaded machine, comes before the plan.)
        var allInFlight = TimeProvider.System.GetTimestamp();
        await Eventually.UntilAsync(() => TimeProvider.System.GetElapsedTime(allInFlight) > TimeSpan.FromMilliseconds(200), "the timeout has passed");
        server.Calculator.Hang.SetResult();
        var report = await run.DefaultTimeout();

        Assert.Equal(5, report.Requests);
        Assert.Equal(0, report.Errors);
        Assert.Equal(0, report.OpenLoop!.OnTime);
        Assert.True(report.Latency.P50 >= 50, $"p50 {report.Latency.P50} ms from the planned start");
    }
}
