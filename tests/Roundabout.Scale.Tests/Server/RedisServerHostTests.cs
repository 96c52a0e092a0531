using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Roundabout.Contracts;
using Roundabout.Contracts.Calculator.V1;
using Roundabout.Hosting;
using Roundabout.Testing.Engines;
using Roundabout.Server;

namespace Roundabout.Scale.Tests.Server;

/// <summary>A calculation server host with <c>--store redis://</c>, over real gRPC and a real redis-server.</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class RedisServerHostTests
{
    [Fact]
    public async Task Multiply_RedisKilledThenRestarted_UnavailableNamingRedisMeanwhile_ThenServesWithTheValueKept()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var app = ServerHost.Build(new ServerHostOptions
        {
            Port = 0,
            Registry = [new EndpointAddress("127.0.0.1", FreePorts.Next())],
            Store = StoreAddress.Redis([redis.Address]),
            CallDeadline = TimeSpan.FromSeconds(2),
        });
        await app.StartAsync().DefaultTimeout();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{app.GetBoundPort()}");
        var calculator = new Calculator.CalculatorClient(channel);

        var first = await calculator.MultiplyAsync(new MultiplyRequest { Factor = "6", Name = "host", RequestId = "a" }).ResponseAsync.DefaultTimeout();
        await redis.KillAsync();
        // With the client's usual 2 s attempt deadline: the server answers before it, naming Redis, rather than time out.
        var error = await Assert.ThrowsAsync<RpcException>(() => calculator.MultiplyAsync(
            new MultiplyRequest { Factor = "7", Name = "host", RequestId = "b" },
            deadline: DateTime.UtcNow.AddSeconds(2)).ResponseAsync).DefaultTimeout();
        await redis.RestartAsync();

        Assert.Equal("6", first.Result);
        Assert.True(error.StatusCode == StatusCode.Unavailable, $"{error.StatusCode}: {error.Status.Detail}");
        Assert.StartsWith($"Redis at {redis.Address}", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("may or may not have been applied", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal($"Redis at {redis.Address}", error.Trailers.GetValue(FaultTrailers.Store));
        MultiplyReply? retried = null;
        await Eventually.UntilAsync(
            async () => (retried = await calculator.MultiplyAsync(new MultiplyRequest { Factor = "7", Name = "host", RequestId = "b" }).ResponseAsync) is not null,
            "the retried multiply succeeds once Redis is back",
            TimeSpan.FromMinutes(1));
        var replayed = await calculator.MultiplyAsync(new MultiplyRequest { Factor = "6", Name = "host", RequestId = "a" }).ResponseAsync.DefaultTimeout();
        Assert.Equal("42", retried!.Result);
        Assert.True(replayed.Replayed);
        Assert.Equal("6", replayed.Result);
        await app.StopAsync().DefaultTimeout();
    }
}
