using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Roundabout.Client;
using Roundabout.Testing.Orders;
using Orders = Roundabout.Testing.Orders;

namespace Roundabout.Client.Tests;

/// <summary>A gRPC service of our own, called through <c>roundabout:///orders</c>.</summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class GrpcDiscoveryTests
{
    [Fact]
    public async Task ChannelFromTheContainer_ResolvesThroughTheRegistry_AndGoesRoundRobin()
    {
        await using var fixture = await LibraryFixture.StartAsync();
        var apps = new[] { await fixture.StartGrpcAppAsync("orders"), await fixture.StartGrpcAppAsync("orders"), await fixture.StartGrpcAppAsync("orders") };
        await Eventually.UntilAsync(async () => (await fixture.ListAsync("orders")).Count == 3, "three instances are listed");
        await using var services = new ServiceCollection()
            .AddRoundaboutDiscovery(options => options.UseRegistries(fixture.RegistryAddress))
            .BuildServiceProvider();

        using var channel = GrpcChannel.ForAddress("roundabout:///orders", new GrpcChannelOptions
        {
            ServiceProvider = services,
            Credentials = ChannelCredentials.Insecure,
        });
        var client = new Orders.Orders.OrdersClient(channel);
        await channel.ConnectAsync().DefaultTimeout();
        await Eventually.UntilAsync(async () =>
        {
            var ports = new HashSet<int>();
            for (var i = 0; i < 3; i++)
            {
                ports.Add((await client.WhereAsync(new WhereRequest())).Port);
            }

            return ports.Count == 3;
        }, "three calls in a row reach three instances");
        var seen = new List<int>();
        for (var i = 0; i < 9; i++)
        {
            seen.Add((await client.WhereAsync(new WhereRequest())).Port);
        }

        Assert.Equal(apps.Select(a => a.Port).Order(), seen.Distinct().Order());
        // Round-robin: every instance once in each run of three.
        Assert.All(seen.Chunk(3), run => Assert.Equal(3, run.Distinct().Count()));
    }

    [Fact]
    public async Task InstanceThatJoinsOrLeaves_IsFollowedThroughTheWatch_WithNoFailedCall()
    {
        await using var fixture = await LibraryFixture.StartAsync();
        var first = await fixture.StartGrpcAppAsync("orders");
        var second = await fixture.StartGrpcAppAsync("orders");
        using var discovery = new RoundaboutDiscovery(new RoundaboutDiscoveryOptions().UseRegistries(fixture.RegistryAddress));
        using var channel = discovery.CreateChannel("orders", new GrpcChannelOptions { ServiceConfig = RetryUnavailable() });
        var client = new Orders.Orders.OrdersClient(channel);
        await Eventually.UntilAsync(async () => (await discovery.GetInstancesAsync("orders")).Count == 2, "discovery sees two instances");

        var third = await fixture.StartGrpcAppAsync("orders");
        await Eventually.UntilAsync(async () => (await client.WhereAsync(new WhereRequest())).Port == third.Port, "a call reaches the instance that joined");

        await fixture.StopAsync(first);
        await Eventually.UntilAsync(async () => (await discovery.GetInstancesAsync("orders")).Count == 2, "discovery drops the instance that left");
        var after = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            after.Add((await client.WhereAsync(new WhereRequest())).Port);
        }

        Assert.DoesNotContain(first.Port, after);
        Assert.Equal(new[] { second.Port, third.Port }.Order(), after.Distinct().Order());
    }

    [Fact]
    public async Task ServiceNobodyRegistered_FailsWithAMessageThatNamesIt()
    {
        await using var fixture = await LibraryFixture.StartAsync();
        using var discovery = new RoundaboutDiscovery(new RoundaboutDiscoveryOptions().UseRegistries(fixture.RegistryAddress));
        using var channel = discovery.CreateChannel("payments");
        var client = new Orders.Orders.OrdersClient(channel);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.WhereAsync(new WhereRequest(), deadline: DateTime.UtcNow.AddSeconds(5)));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("lists no 'payments' servers", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoRegistry_FailsWithAMessageThatSaysSo()
    {
        using var discovery = new RoundaboutDiscovery(new RoundaboutDiscoveryOptions().UseRegistries($"127.0.0.1:{FreePorts.Next()}"));
        using var channel = discovery.CreateChannel("orders");
        var client = new Orders.Orders.OrdersClient(channel);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.WhereAsync(new WhereRequest(), deadline: DateTime.UtcNow.AddSeconds(10)));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("Cannot reach the registry", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void BadNames_AreRefusedWithAMessage()
    {
        using var discovery = new RoundaboutDiscovery(new RoundaboutDiscoveryOptions());

        Assert.Throws<ArgumentException>(() => discovery.CreateChannel(""));
        var slash = Assert.Throws<ArgumentException>(() => discovery.CreateChannel("a/b"));
        Assert.Contains("must not contain '/'", slash.Message, StringComparison.Ordinal);
        Assert.Equal(new Uri("roundabout:///orders"), RoundaboutDiscovery.AddressOf("orders"));
    }

    internal static ServiceConfig RetryUnavailable() => new()
    {
        MethodConfigs =
        {
            new MethodConfig
            {
                Names = { MethodName.Default },
                RetryPolicy = new RetryPolicy
                {
                    MaxAttempts = 5,
                    InitialBackoff = TimeSpan.FromMilliseconds(10),
                    MaxBackoff = TimeSpan.FromMilliseconds(200),
                    BackoffMultiplier = 2,
                    RetryableStatusCodes = { StatusCode.Unavailable },
                },
            },
        },
    };
}
