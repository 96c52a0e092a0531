using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;

namespace Roundabout.Client.Tests.Real;

/// <summary>
/// One retry layer, and it fails over only when that can help: a stopped database (which every
/// server shares) ends the call at the first server, and the error names the database.
/// </summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class RetryBudgetTests
{
    [Fact]
    public async Task Multiply_DatabaseStopped_IsSentToOneServerOnly_AndTheErrorNamesTheDatabaseAndItsAddress()
    {
        await using var cluster = await InProcessCluster.StartAsync(servers: 0);
        var received = new AttemptCounter();
        for (var i = 0; i < 2; i++)
        {
            await cluster.AddServerAsync(services => services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<CountingInterceptor>(received)));
        }

        var client = cluster.CreateClient(o => o.Deadline = TimeSpan.FromSeconds(20));
        await Eventually.UntilAsync(async () => (await client.RefreshAsync()).Count == 2, "two servers are registered");
        await client.MultiplyAsync("2", "budget").DefaultTimeout();
        await client.MultiplyAsync("3", "budget").DefaultTimeout();
        var before = received.Snapshot();
        Assert.Equal(2, before.Values.Sum());

        await cluster.StopDatabaseAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => client.MultiplyAsync("5", "budget").DefaultTimeout());

        var after = received.Snapshot();
        var attempts = cluster.Servers.Select(s => after.GetValueOrDefault(s.Address) - before.GetValueOrDefault(s.Address)).ToArray();
        Assert.Equal(1, attempts.Sum());
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains($"the database at 127.0.0.1:{cluster.DatabasePort} is unreachable", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("may or may not have been applied", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal($"the database at 127.0.0.1:{cluster.DatabasePort}", error.Trailers.GetValue(Roundabout.Contracts.FaultTrailers.Store));
        Assert.DoesNotContain("No server answered", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("every server tried", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Multiply_DatabaseStopped_IsNotRetried_EvenWithAHigherMaximum()
    {
        await using var cluster = await InProcessCluster.StartAsync(servers: 0);
        var received = new AttemptCounter();
        await cluster.AddServerAsync(services => services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<CountingInterceptor>(received)));

        var client = cluster.CreateClient(o =>
        {
            o.Deadline = TimeSpan.FromSeconds(20);
            o.MaxAttempts = 3;
        });
        await Eventually.UntilAsync(async () => (await client.RefreshAsync()).Count == 1, "the server is registered");
        await client.MultiplyAsync("2", "budget").DefaultTimeout();

        await cluster.StopDatabaseAsync();
        await Assert.ThrowsAsync<RpcException>(() => client.MultiplyAsync("5", "budget").DefaultTimeout());

        Assert.Equal(1 + 1, received.Snapshot().Values.Sum());
    }

    /// <summary>Counts the Multiply calls each server received, by the server's own address.</summary>
    private sealed class AttemptCounter
    {
        private readonly Dictionary<string, int> _counts = [];

        public void Add(string server)
        {
            lock (_counts)
            {
                _counts[server] = _counts.GetValueOrDefault(server) + 1;
            }
        }

        public Dictionary<string, int> Snapshot()
        {
            lock (_counts)
            {
                return new Dictionary<string, int>(_counts);
            }
        }
    }

    private sealed class CountingInterceptor(AttemptCounter counter) : Interceptor
    {
        public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            if (context.Method.EndsWith("/Multiply", StringComparison.Ordinal))
            {
                counter.Add($"127.0.0.1:{context.GetHttpContext().Connection.LocalPort}");
            }

            return continuation(request, context);
        }
    }
}
