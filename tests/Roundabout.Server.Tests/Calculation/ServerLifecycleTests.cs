using Grpc.Core;
using Roundabout.Contracts;
using Roundabout.Contracts.Calculator.V1;
using Roundabout.Hosting;

namespace Roundabout.Server.Tests.Calculation;

[Trait(Tier.Name, Tier.Host)]
public sealed class ServerLifecycleTests
{
    [Fact]
    public async Task Start_RegistersTheBoundAddress_AndStopDeregistersIt()
    {
        await using var cluster = await InProcessCluster.StartAsync(servers: 1);
        var server = cluster.Servers[0];

        Assert.Equal([server.Address], await cluster.ListAsync());

        await server.App.StopAsync().DefaultTimeout();

        Assert.Empty(await cluster.ListAsync());
    }

    [Fact]
    public async Task Multiply_DatabaseUnreachable_IsUnavailableNamingTheDatabaseAndItsAddress()
    {
        await using var cluster = await InProcessCluster.StartAsync(servers: 0);
        var unusedPort = FreePorts.Next();
        await using var app = ServerHost.Build(new ServerHostOptions
        {
            Port = 0,
            Registry = [new EndpointAddress("127.0.0.1", cluster.RegistryPort)],
            Database = new EndpointAddress("127.0.0.1", unusedPort),
            CallDeadline = TimeSpan.FromSeconds(2),
        });
        await app.StartAsync().DefaultTimeout();
        var client = new Calculator.CalculatorClient(cluster.Channel(app.GetBoundPort()));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.MultiplyAsync(new MultiplyRequest { Factor = "2" }).ResponseAsync.DefaultTimeout());
        var sum = await client.SumAsync(new SumRequest { A = "1", B = "1" }).ResponseAsync.DefaultTimeout();

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.StartsWith($"the database at 127.0.0.1:{unusedPort} is unreachable", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("may or may not have been applied", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal($"the database at 127.0.0.1:{unusedPort}", error.Trailers.GetValue(FaultTrailers.Store));
        Assert.Equal("2", sum.Result);
        await app.StopAsync().DefaultTimeout();
    }
}
