using System.Globalization;
using System.Numerics;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Roundabout.Client.Retries;

namespace Roundabout.Client.Tests.Real;

/// <summary>
/// Store failures are retried, within the call's deadline, up to the most retries per call and
/// only while the session's retry budget allows: an outage that heals in time costs the caller
/// nothing, and one that does not heal is not multiplied by the retries. Real servers and the real
/// database; each server counts the Multiply calls it received.
/// </summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class RetryBudgetTests
{
    [Fact]
    public async Task Multiply_DatabaseStopped_IsRetriedTheMostTimesOneCallMay_ThenTheErrorNamesTheDatabase()
    {
        var (cluster, received) = await StartCountedAsync(servers: 2, proxyDatabase: false);
        await using var _ = cluster;
        var client = cluster.CreateClient(o => o.Deadline = TimeSpan.FromSeconds(30));
        await Eventually.UntilAsync(async () => (await client.RefreshAsync()).Count == 2, "two servers are registered");
        await client.MultiplyAsync("2", "budget").DefaultTimeout();
        await client.MultiplyAsync("3", "budget").DefaultTimeout();
        var before = received.Total;

        await cluster.StopDatabaseAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => client.MultiplyAsync("5", "budget").WaitAsync(TimeSpan.FromMinutes(1)));

        var maxPerCall = new RetryBudgetOptions().MaxPerCall;
        Assert.Equal(1 + maxPerCall, received.Total - before);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains($"the database at 127.0.0.1:{cluster.DatabasePort} is unreachable", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("may or may not have been applied", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains($"retried {maxPerCall} times", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains($"the most retries one call makes ({maxPerCall})", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal($"the database at 127.0.0.1:{cluster.DatabasePort}", error.Trailers.GetValue(Roundabout.Contracts.FaultTrailers.Store));
        Assert.DoesNotContain("No server answered", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Multiply_DatabaseDownForGood_ServerCallsStayWithinOnePlusTheBudgetRatioTimesTheCalls()
    {
        var (cluster, received) = await StartCountedAsync(servers: 2, proxyDatabase: false);
        await using var _ = cluster;
        // No refill by time, so the bound is exact: the reserve plus a fifth of the calls.
        var budget = new RetryBudgetOptions { Reserve = 3, Ratio = 0.2, MinPerSecond = 0 };
        var client = cluster.CreateClient(o =>
        {
            o.Deadline = TimeSpan.FromSeconds(30);
            o.RetryBudget = budget;
        });
        await Eventually.UntilAsync(async () => (await client.RefreshAsync()).Count == 2, "two servers are registered");
        await cluster.StopDatabaseAsync();

        const int calls = 40;
        var failed = 0;
        for (var i = 0; i < calls; i++)
        {
            try
            {
                await client.MultiplyAsync("7", "dead").WaitAsync(TimeSpan.FromMinutes(1));
            }
            catch (RpcException)
            {
                failed++;
            }
        }

        Assert.Equal(calls, failed);
        var retries = received.Total - calls;
        Assert.True(retries > 0, "no store failure was retried");
        Assert.True(
            retries <= budget.Reserve + (budget.Ratio * calls),
            $"{received.Total} server calls for {calls} calls: more retries ({retries}) than the reserve ({budget.Reserve}) plus {budget.Ratio:P0} of the calls");
    }

    [Fact]
    public async Task Multiply_DatabasePartitionedForLessThanTheDeadline_EveryCallSucceedsAndIsAppliedOnce()
    {
        var (cluster, received) = await StartCountedAsync(servers: 2, proxyDatabase: true);
        await using var _ = cluster;
        var link = cluster.DatabaseProxy!;
        var client = cluster.CreateClient(o =>
        {
            o.Deadline = TimeSpan.FromSeconds(20);
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
        });
        await BalancingTests.WarmUpAsync(client, 2);
        var name = "heal" + Guid.NewGuid().ToString("N")[..10];
        var primes = Primes.First(24);

        // Eight callers, three multiplies each; the database is unreachable for a while in the middle.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            var results = new List<bool>();
            for (var k = 0; k < 3; k++)
            {
                if (k == 1)
                {
                    await started.Task;
                }

                var result = await client.MultiplyAsync(primes[(c * 3) + k].ToString(CultureInfo.InvariantCulture), name);
                results.Add(result.Replayed);
            }

            return results;
        })).ToArray();
        await Eventually.UntilAsync(() => received.Total >= 8, "the first multiplies were sent");
        link.Blackhole();
        started.TrySetResult();
        // Heal once the partition has outlasted attempts: eight more calls than the callers started means store failures were retried.
        await Eventually.UntilAsync(() => received.Total >= 8 + 8 + 8, "store failures were retried during the partition");
        link.Heal();

        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromMinutes(1));
        var final = BigInteger.Parse((await client.GetAccumulatorAsync(name).DefaultTimeout()).Value, CultureInfo.InvariantCulture);
        var (multiplicity, remainder) = Primes.Factor(final, primes);
        Assert.All(primes, p => Assert.Equal(1, multiplicity[p]));
        Assert.Equal(BigInteger.One, remainder);
        Assert.True(link.HeldWhileBlackholed > 0, "nothing crossed the link during the partition");
    }

    [Fact]
    public async Task Reset_DatabaseStopped_IsNotRetried()
    {
        var (cluster, received) = await StartCountedAsync(servers: 1, proxyDatabase: false, method: "/ResetAccumulator");
        await using var _ = cluster;
        var client = cluster.CreateClient(o => o.Deadline = TimeSpan.FromSeconds(20));
        await Eventually.UntilAsync(async () => (await client.RefreshAsync()).Count == 1, "the server is registered");

        await cluster.StopDatabaseAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => client.ResetAsync("budget").DefaultTimeout());

        Assert.Equal(1, received.Total);
        Assert.Contains("It was not retried: the call is not safe to repeat.", error.Status.Detail, StringComparison.Ordinal);
    }

    private static async Task<(InProcessCluster Cluster, CallCounter Received)> StartCountedAsync(int servers, bool proxyDatabase, string method = "/Multiply")
    {
        var cluster = await InProcessCluster.StartAsync(servers: 0, proxyDatabase: proxyDatabase);
        var received = new CallCounter(method);
        for (var i = 0; i < servers; i++)
        {
            await cluster.AddServerAsync(services => services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<CountingInterceptor>(received)));
        }

        await Eventually.UntilAsync(async () => (await cluster.ListAsync()).Count == servers, $"{servers} servers are registered");
        return (cluster, received);
    }

    /// <summary>Counts the calls of one method the servers received.</summary>
    private sealed class CallCounter(string method)
    {
        private int _total;

        public string Method { get; } = method;

        public int Total => Volatile.Read(ref _total);

        public void Add() => Interlocked.Increment(ref _total);
    }

    private sealed class CountingInterceptor(CallCounter counter) : Interceptor
    {
        public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            if (context.Method.EndsWith(counter.Method, StringComparison.Ordinal))
            {
                counter.Add();
            }

            return continuation(request, context);
        }
    }
}
