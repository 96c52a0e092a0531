using System.Globalization;
using Grpc.Net.Client;
using Roundabout.Contracts.Calculator.V1;
using Roundabout.Contracts.Registry.V1;
using Roundabout.Testing.Engines;
using RegistryClient = Roundabout.Contracts.Registry.V1.Registry.RegistryClient;

namespace Roundabout.Registry.Etcd.Tests;

/// <summary>
/// The real executables on the real engines: two <c>roundabout registry --backend etcd://</c>
/// processes on one etcd, and servers with <c>--store redis://</c> that know both registries.
/// </summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class EtcdRegistryProcessTests
{
    private const string RegistryRunning = @"Service Registry running on port :(?<port>\d+)";
    private const string ServerRunning = @"Server running on localhost:(?<port>\d+)\. Waiting for requests";

    [Fact]
    public async Task KillOneOfTwoRegistriesSharingEtcd_TheOtherKeepsListingTheServers_AndTheyKeepServing()
    {
        await using var etcd = await EtcdServer.StartAsync();
        await using var redis = await RedisServer.StartAsync();
        await using var first = StartRegistry(etcd);
        await using var second = StartRegistry(etcd);
        var registries = $"localhost:{await first.WaitForPortAsync(RegistryRunning)},localhost:{await second.WaitForPortAsync(RegistryRunning)}";
        await using var serverA = StartServer(registries, redis);
        await using var serverB = StartServer(registries, redis);
        var ports = new[] { await serverA.WaitForPortAsync(ServerRunning), await serverB.WaitForPortAsync(ServerRunning) };
        var expected = ports.Select(p => $"localhost:{p}").Order(StringComparer.Ordinal).ToArray();
        var secondPort = int.Parse(registries.Split(',')[1].Split(':')[1], CultureInfo.InvariantCulture);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{secondPort}");
        var survivor = new RegistryClient(channel);
        await Eventually.UntilAsync(async () => (await ListAsync(survivor)).SequenceEqual(expected), "both servers are listed by the second registry");

        first.Kill();
        await first.WaitForExitAsync();
        var killedAt = DateTimeOffset.UtcNow;

        // Both servers renew through the survivor: after several TTLs they are still listed, renewed after the kill.
        await Eventually.UntilAsync(
            async () =>
            {
                var reply = await survivor.ListInstancesAsync(new ListInstancesRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
                return reply.Instances.Count == 2 && reply.Instances.All(i => i.LastRenewedAt.ToDateTimeOffset() > killedAt.AddSeconds(7));
            },
            "both servers renewed through the surviving registry for over two TTLs after the kill",
            TimeSpan.FromSeconds(60));
        Assert.Equal(expected, await ListAsync(survivor));

        // What a user types: `roundabout servers` through the surviving registry.
        await using var servers = CliProcess.Start("servers", "--registry", $"localhost:{secondPort}", "--json");
        Assert.Equal(0, await servers.WaitForExitAsync());
        Assert.All(expected, address => Assert.Contains($"\"address\":\"{address}\"", servers.Output, StringComparison.Ordinal));

        // And the walkthrough still works on them: a multiply on each, kept in Redis.
        foreach (var port in ports)
        {
            using var serverChannel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
            var reply = await new Calculator.CalculatorClient(serverChannel).MultiplyAsync(new MultiplyRequest { Factor = "3", Name = "walk" }).ResponseAsync.DefaultTimeout();
            Assert.Equal($"localhost:{port}", reply.Server);
        }

        using var lastChannel = GrpcChannel.ForAddress($"http://127.0.0.1:{ports[0]}");
        var value = await new Calculator.CalculatorClient(lastChannel).GetAccumulatorAsync(new GetAccumulatorRequest { Name = "walk" }).ResponseAsync.DefaultTimeout();
        Assert.Equal("9", value.Value);
    }

    [Fact]
    public async Task KillAServer_EtcdExpiresItsLease_AndEveryRegistryStopsListingIt()
    {
        await using var etcd = await EtcdServer.StartAsync();
        await using var redis = await RedisServer.StartAsync();
        await using var first = StartRegistry(etcd);
        await using var second = StartRegistry(etcd);
        var ports = new[] { await first.WaitForPortAsync(RegistryRunning), await second.WaitForPortAsync(RegistryRunning) };
        await using var server = StartServer($"localhost:{ports[0]}", redis);
        var serverPort = await server.WaitForPortAsync(ServerRunning);
        var clients = ports.Select(p => new RegistryClient(GrpcChannel.ForAddress($"http://127.0.0.1:{p}"))).ToArray();
        await Eventually.UntilAsync(async () => (await ListAsync(clients[1])).SequenceEqual([$"localhost:{serverPort}"]), "the second registry lists the server the first one registered");

        server.Kill();

        foreach (var client in clients)
        {
            await Eventually.UntilAsync(async () => (await ListAsync(client)).Length == 0, "the killed server is no longer listed", TimeSpan.FromSeconds(30));
        }

        // Exactly one of the two registries recorded the eviction, and logged it in the exercise's words.
        await Eventually.UntilAsync(
            () => new[] { first, second }.Count(r => r.Output.Contains($"Server evicted (missed heartbeats): localhost:{serverPort}", StringComparison.Ordinal)) == 1,
            "one registry logs the eviction");
    }

    [Theory]
    [InlineData("registry", "--backend", "zookeeper://localhost:2181")]
    [InlineData("registry", "--backend", "etcd://")]
    [InlineData("server", "--store", "memcached://localhost:11211")]
    [InlineData("server", "--store", "redis://localhost")]
    public async Task InvalidBackendOrStore_ExitsWithAMessageAndNoStackTrace(string command, string option, string value)
    {
        await using var process = CliProcess.Start(command, "--port", "0", option, value);

        Assert.NotEqual(0, await process.WaitForExitAsync());
        // The error line itself names the option (the help printed after it names every option).
        Assert.Contains(process.Lines, l => l.StartsWith("Error: ", StringComparison.Ordinal) && l.Contains(option, StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_StoreAndDatabaseBoth_IsRefused()
    {
        await using var process = CliProcess.Start("server", "--port", "0", "--store", "redis://localhost:6379", "--database", "localhost:8001");

        Assert.NotEqual(0, await process.WaitForExitAsync());
        Assert.Contains("either --store or --database", process.Output, StringComparison.Ordinal);
    }

    private static CliProcess StartRegistry(EtcdServer etcd) =>
        CliProcess.Start("registry", "--port", "0", "--backend", $"etcd://{etcd.Address}");

    private static CliProcess StartServer(string registries, RedisServer redis) =>
        CliProcess.Start("server", "--port", "0", "--registry", registries, "--store", $"redis://{redis.Address}");

    private static async Task<string[]> ListAsync(RegistryClient registry)
    {
        var reply = await registry.ListInstancesAsync(new ListInstancesRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
        return reply.Instances.Select(i => i.Address).Order(StringComparer.Ordinal).ToArray();
    }
}
