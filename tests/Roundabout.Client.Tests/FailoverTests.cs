using System.Diagnostics;
using System.Text.RegularExpressions;
using Grpc.Core;
using Roundabout.Cli.Bench;
using Roundabout.Testing.Fakes;

namespace Roundabout.Client.Tests;

[Trait(Tier.Name, Tier.Host)]
public sealed class FailoverTests
{
    [Fact]
    public async Task Bench_OneOfThreeServersKilledMidRun_NoCallFailsAndTheDeadServerGetsNoMoreTraffic()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 3);
        var client = cluster.CreateClient();
        await BalancingTests.WarmUpAsync(client, 3);
        var victim = cluster.Servers[1];
        var completed = 0L;
        var options = new BenchOptions { Concurrency = 16, Requests = 3000, ProgressInterval = TimeSpan.FromMilliseconds(20) };

        var bench = BenchRunner.RunAsync(client, options, p => Interlocked.Exchange(ref completed, p.Completed));
        await Eventually.UntilAsync(() => Interlocked.Read(ref completed) >= 600 || bench.IsCompleted, "the bench is under way");
        await victim.KillAsync();
        var servedWhenKilled = victim.Calculator.Served;
        var report = await bench.DefaultTimeout();

        Assert.Equal(0, report.Errors);
        Assert.Equal(3000, report.Requests);
        Assert.Equal(3000, report.Servers.Values.Sum());
        // A call the victim computed but could not answer before dying was answered by another server.
        Assert.True(report.Servers.GetValueOrDefault(victim.Address) <= servedWhenKilled);
        Assert.True(report.Servers.GetValueOrDefault(victim.Address) < 3000 / 3, "the dead server kept getting its share");
    }

    [Fact]
    public async Task AllServersDown_CallFailsWithAClearErrorWithinTheDeadline()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 2);
        var client = cluster.CreateClient(o =>
        {
            o.Deadline = TimeSpan.FromSeconds(2);
            o.AttemptTimeout = TimeSpan.FromMilliseconds(500);
        });
        await client.SumAsync("2", "3").DefaultTimeout();
        foreach (var server in cluster.Servers)
        {
            await server.KillAsync();
        }

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RpcException>(() => client.SumAsync("2", "3").DefaultTimeout());
        watch.Stop();

        Assert.Contains(error.StatusCode, new[] { StatusCode.Unavailable, StatusCode.DeadlineExceeded });
        Assert.Contains("No server answered Sum", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("roundabout servers", error.Status.Detail, StringComparison.Ordinal);
        // Bounded by the deadline (with generous slack for a loaded machine), never a hang.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task AllCachedServersDown_NewServersInTheRegistry_AreFoundByTheRefresh()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 2);
        var client = cluster.CreateClient(o =>
        {
            o.RefreshRateLimit = TimeSpan.FromMilliseconds(100);
            o.Deadline = TimeSpan.FromSeconds(10);
        });
        await client.SumAsync("2", "3").DefaultTimeout();
        foreach (var server in cluster.Servers.ToArray())
        {
            await server.KillAsync();
            cluster.Registry.Remove(server.Address);
        }

        var newcomer = await cluster.StartServerAsync();
        var result = await client.SumAsync("2", "3").DefaultTimeout();

        Assert.Equal("5", result.Result);
        Assert.Equal(newcomer.Address, result.Server);
        Assert.Equal(2, cluster.Registry.ListCalls);
        Assert.Equal([newcomer.Address], client.CachedServers.Select(s => s.Address));
    }

    [Fact]
    public async Task RefreshAfterAFailure_OtherServerNeverCalled_TheWarningSaysWhichFailedAndNotThatEveryOneDid()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 1);
        var hung = cluster.Servers[0];
        hung.Calculator.Hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Listed, but nothing listens there: never connected, it never had a call to fail.
        var unconnected = $"127.0.0.1:{FreePorts.Next()}";
        cluster.Registry.Add(unconnected);
        var logs = new LogCollector();
        var client = cluster.CreateClient(
            o =>
            {
                o.RefreshRateLimit = TimeSpan.Zero;
                o.AttemptTimeout = TimeSpan.FromMilliseconds(200);
                o.Deadline = TimeSpan.FromSeconds(5);
                o.MaxAttempts = 4;
            },
            logs);

        try
        {
            await Assert.ThrowsAsync<RpcException>(() => client.SumAsync("2", "3").DefaultTimeout());
        }
        finally
        {
            hung.Calculator.Hang.TrySetResult();
        }

        var refreshes = logs.Messages.Where(m => m.StartsWith("Fetching the server list again", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(refreshes);
        Assert.All(refreshes, refresh =>
        {
            Assert.DoesNotContain("every cached server failed", refresh, StringComparison.Ordinal);
            // Failed calls in a row get a server ejected for a while: either is what happened to it.
            Assert.Matches($"{Regex.Escape(hung.Address)} (failed its last|ejected)", refresh);
            Assert.Contains($"{unconnected} not connected", refresh, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task EmptyRegistry_CallFailsAtOnceWithAMessageThatSaysWhatToDo()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 0);
        var client = cluster.CreateClient(o => o.RefreshRateLimit = TimeSpan.FromMinutes(1));

        Assert.Empty(await client.StartAsync().DefaultTimeout());
        var error = await Assert.ThrowsAsync<RpcException>(() => client.SumAsync("2", "3").DefaultTimeout());

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("lists no 'calculator' servers", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("roundabout server --port 9001", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyRegistryThenAServerAppears_ExplicitRefreshMakesItUsable()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 0);
        var client = cluster.CreateClient(o => o.RefreshRateLimit = TimeSpan.FromMinutes(1));
        await client.StartAsync().DefaultTimeout();

        var server = await cluster.StartServerAsync();
        var servers = await client.RefreshAsync().DefaultTimeout();
        var result = await client.SumAsync("40", "2").DefaultTimeout();

        Assert.Equal([server.Address], servers.Select(s => s.Address));
        Assert.Equal(new CalculationResult("42", server.Address), result);
    }

    [Fact]
    public async Task Multiply_AnswerLostAfterTheServerApplied_IsRetriedWithTheSameSequenceAndAppliedOnce()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 1);
        var client = cluster.CreateClient(o => o.MaxAttempts = 3);
        var server = cluster.Servers[0].Calculator;
        server.LoseNextMultiplyAnswers(2);

        var result = await client.MultiplyAsync("7", "retried").DefaultTimeout();

        // Every attempt reached the shared store, and the first one changed it: a retry that did not
        // carry the same session and sequence would have multiplied again (7^3).
        Assert.Equal(7, (int)cluster.Accumulators.Get("retried"));
        Assert.Equal(3, server.Applied);
        var ids = server.MultiplyRequestIds.ToArray();
        Assert.Equal(3, ids.Length);
        Assert.All(ids, id => Assert.Equal(result.RequestId, id));
        Assert.Equal("7", result.Result);
        Assert.True(result.Replayed, "the answer came from a retry, so it should be the kept answer of the first attempt");
    }

    [Fact]
    public async Task Multiply_OnAServerThatAppliedItAndHung_MovesToAnotherServerThatReturnsTheKeptAnswer()
    {
        var (cluster, client, hung) = await StartWithAHungServerAsync(HangPoint.AfterApplying);
        await using var stopped = cluster;

        // Round-robin alternates, so at least one of two calls starts on the hung server.
        var first = await client.MultiplyAsync("3", "hung").DefaultTimeout();
        var second = await client.MultiplyAsync("5", "hung").DefaultTimeout();
        hung.Hang!.SetResult();

        Assert.Equal(cluster.Servers[1].Address, first.Server);
        Assert.Equal(cluster.Servers[1].Address, second.Server);
        var onHung = hung.MultiplyRequestIds.ToArray();
        Assert.NotEmpty(onHung);
        Assert.Equal(onHung.Length, hung.Applied);
        // Applied once each, though a call that met the hung server was applied there first.
        Assert.Equal(15, (int)cluster.Accumulators.Get("hung"));
        Assert.All([first, second], r => Assert.Equal(onHung.Contains(r.RequestId), r.Replayed));
        var other = cluster.Servers[1].Calculator.MultiplyRequestIds.ToArray();
        Assert.Equal([first.RequestId, second.RequestId], other.Distinct());
    }

    [Fact]
    public async Task Multiply_HungServerAppliesItAfterTheClientMovedOn_TheLateCopyChangesNothing()
    {
        var (cluster, client, hung) = await StartWithAHungServerAsync(HangPoint.PastCancellation);
        await using var stopped = cluster;
        try
        {
            var first = await client.MultiplyAsync("3", "late").DefaultTimeout();
            var second = await client.MultiplyAsync("5", "late").DefaultTimeout();
            var onHung = hung.MultiplyRequestIds.ToArray();
            Assert.NotEmpty(onHung);
            Assert.Equal(0, hung.Applied);
            Assert.Equal(15, (int)cluster.Accumulators.Get("late"));

            // The attempts the client gave up on now reach the store, after their calls were answered elsewhere.
            hung.Hang!.SetResult();
            await Eventually.UntilAsync(() => hung.Applied == onHung.Length, "the hung server applies the calls it held");

            Assert.Equal(15, (int)cluster.Accumulators.Get("late"));
            Assert.Equal([cluster.Servers[1].Address, cluster.Servers[1].Address], [first.Server, second.Server]);
            Assert.All(onHung, id => Assert.Contains(id, new[] { first.RequestId, second.RequestId }));
        }
        finally
        {
            hung.Hang!.TrySetResult();
        }
    }

    [Fact]
    public async Task Registries_FirstOneDown_TheClientFailsOverToTheNext()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 1);
        var client = cluster.CreateClient(o => o.Registries =
        [
            Contracts.EndpointAddress.Parse("127.0.0.1:1"),
            Contracts.EndpointAddress.Parse(cluster.RegistryAddress),
        ]);

        var servers = await client.StartAsync().DefaultTimeout();

        Assert.Equal([cluster.Servers[0].Address], servers.Select(s => s.Address));
    }

    [Fact]
    public async Task NoRegistryAnswers_StartFailsWithAClearMessage()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 0);
        var client = cluster.CreateClient(o => o.Registries = [Contracts.EndpointAddress.Parse("127.0.0.1:1")]);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.StartAsync().DefaultTimeout());

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("Cannot reach the registry at 127.0.0.1:1", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_ServerJoinsLater_TheClientBalancesOverItWithoutFetchingAgain()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 1);
        var client = cluster.CreateClient(o => o.Watch = true);
        await client.StartAsync().DefaultTimeout();
        await Eventually.UntilAsync(() => cluster.Registry.Watchers == 1, "the client watches the registry");

        var newcomer = await cluster.StartServerAsync();
        await Eventually.UntilAsync(
            async () => (await client.SumAsync("1", "2")).Server == newcomer.Address,
            "a call lands on the new server");

        Assert.Equal(1, cluster.Registry.ListCalls);
    }

    [Fact]
    public async Task BadNumbers_AreRefusedBeforeAnythingIsSent()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 1);
        var client = cluster.CreateClient();

        var letters = await Assert.ThrowsAsync<RpcException>(() => client.SumAsync("abc", "1").DefaultTimeout());
        var huge = await Assert.ThrowsAsync<RpcException>(() => client.MultiplyAsync(new string('9', 2000)).DefaultTimeout());

        Assert.Equal(StatusCode.InvalidArgument, letters.StatusCode);
        Assert.StartsWith("A:", letters.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.OutOfRange, huge.StatusCode);
        Assert.Equal(0, cluster.Servers[0].Calculator.Served);
    }

    /// <summary>Two servers, the first hung at <paramref name="at"/> until the test releases it.</summary>
    private static async Task<(TestCluster Cluster, RoundaboutClient Client, FakeCalculator Hung)> StartWithAHungServerAsync(HangPoint at)
    {
        var cluster = await TestCluster.StartAsync(servers: 2);
        // Long enough that the healthy server's answer fits in one attempt on a loaded machine
        // (500 ms did not, once, in a full parallel run); the hung server never answers in time anyway.
        var client = cluster.CreateClient(o => o.AttemptTimeout = TimeSpan.FromSeconds(2));
        await BalancingTests.WarmUpAsync(client, 2);
        var hung = cluster.Servers[0].Calculator;
        hung.HangAt = at;
        hung.Hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (cluster, client, hung);
    }
}
