using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Roundabout.Client;
using Roundabout.Contracts;
using Roundabout.Contracts.Registry.V1;
using Roundabout.Database;
using Roundabout.Hosting;
using Roundabout.Testing.Engines;
using Roundabout.Server;
using RegistryClient = Roundabout.Contracts.Registry.V1.Registry.RegistryClient;

namespace Roundabout.Registry.Etcd.Tests;

/// <summary>
/// A registry process keeping membership in a real three-member etcd cluster, with two servers
/// registered through it, while etcd loses a follower, then its leader, then its quorum. One
/// cluster for the whole story: each step starts from where the last one healed.
/// </summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class EtcdClusterMembershipTests
{
    // Longer than the default 3 s: the lease must outlast an etcd election plus the registry's etcd
    // client moving to another member. With 3 s, one full parallel run of the suite saw a lease
    // expire while that client was still reconnecting away from the killed leader.
    private static readonly TimeSpan _ttl = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task EtcdLosesAFollowerThenItsLeader_NoLeaseExpires_ThenLosesItsQuorum_WritesFailClearly_ServersAndClientsCarryOn_ThenHeals()
    {
        await using var etcd = await EtcdCluster.StartAsync();
        var backend = "etcd://" + string.Join(',', etcd.Endpoints);
        await using var registry = CliProcess.Start("registry", "--port", "0", "--backend", backend, "--ttl", "10s");
        var registryPort = await registry.WaitForPortAsync(LogLines.RegistryRunning, TimeSpan.FromSeconds(60));
        await using var database = DatabaseHost.Build(new DatabaseHostOptions { Port = 0, InMemory = true });
        await database.StartAsync().DefaultTimeout();
        var servers = new List<WebApplication>();
        for (var i = 0; i < 2; i++)
        {
            var server = ServerHost.Build(new ServerHostOptions
            {
                Port = 0,
                AdvertiseHost = "127.0.0.1",
                Registry = [new EndpointAddress("127.0.0.1", registryPort)],
                Database = new EndpointAddress("127.0.0.1", database.GetBoundPort()),
            });
            await server.StartAsync().DefaultTimeout();
            servers.Add(server);
        }

        try
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{registryPort}");
            var registryClient = new RegistryClient(channel);
            var expected = servers.Select(s => $"127.0.0.1:{s.GetBoundPort()}").Order(StringComparer.Ordinal).ToArray();
            await Eventually.UntilAsync(async () => (await ListAsync(registryClient)).Select(i => i.Address).SequenceEqual(expected), "both servers are listed", TimeSpan.FromSeconds(60));
            var registeredAt = (await ListAsync(registryClient)).ToDictionary(i => i.Address, i => i.RegisteredAt);

            // 1. A follower dies: etcd keeps a majority, the servers keep renewing, nobody is evicted.
            var follower = (await etcd.LeaderAsync() + 1) % 3;
            await etcd.KillAsync(follower);
            await AssertListStaysAsync(registryClient, expected, registeredAt, "a follower died");
            await etcd.RestartAsync(follower);

            // 2. The leader dies: a new one is elected and extends every lease; nobody is evicted.
            var leader = await etcd.LeaderAsync();
            await etcd.KillAsync(leader);
            await AssertListStaysAsync(registryClient, expected, registeredAt, "the leader died");
            await etcd.RestartAsync(leader);
            Assert.DoesNotContain(registry.Lines, l => l.Contains("Server evicted", StringComparison.Ordinal));

            // 3. The quorum is lost: a write fails with a message that names etcd and what to check...
            await using var client = RoundaboutClient.Create(new RoundaboutClientOptions { Registries = [new EndpointAddress("127.0.0.1", registryPort)] });
            Assert.Equal(2, (await client.RefreshAsync().DefaultTimeout()).Count);
            var survivor = await etcd.LeaderAsync();
            var lost = Enumerable.Range(0, 3).Where(m => m != survivor).ToArray();
            foreach (var member in lost)
            {
                await etcd.KillAsync(member);
            }

            var error = await Assert.ThrowsAsync<RpcException>(() =>
                registryClient.RegisterAsync(new RegisterRequest { Address = "127.0.0.1:9" }, deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, error.StatusCode);
            Assert.StartsWith("etcd at ", error.Status.Detail, StringComparison.Ordinal);
            Assert.Contains("majority", error.Status.Detail, StringComparison.Ordinal);

            // ...while the servers keep serving, and the client keeps its cached list.
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal("5", (await client.SumAsync("2", "3").DefaultTimeout()).Result);
            }

            Assert.Equal(expected, client.CachedServers.Select(s => s.Address).Order(StringComparer.Ordinal));

            // 4. The members come back: the servers are listed again, renewed after the heal, and writes succeed.
            foreach (var member in lost)
            {
                await etcd.RestartAsync(member);
            }

            var healedAt = DateTimeOffset.UtcNow;
            await Eventually.UntilAsync(
                async () => (await ListAsync(registryClient)).Where(i => expected.Contains(i.Address)).ToArray() is { Length: 2 } now
                    && now.All(i => i.LastRenewedAt.ToDateTimeOffset() > healedAt),
                "both servers are listed and renewing after the heal",
                TimeSpan.FromSeconds(60));
            var marker = await registryClient.RegisterAsync(new RegisterRequest { Address = "127.0.0.1:9" }, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync;
            Assert.False(string.IsNullOrEmpty(marker.LeaseId));
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.StopAsync(new CancellationToken(true));
                await server.DisposeAsync();
            }

            await database.StopAsync(new CancellationToken(true));
        }
    }

    /// <summary>
    /// For longer than a TTL after the fault, every answer of the registry lists both servers, with
    /// their first registration (never evicted and registered again), and they renew past it.
    /// </summary>
    private static async Task AssertListStaysAsync(RegistryClient registry, string[] expected, Dictionary<string, Google.Protobuf.WellKnownTypes.Timestamp> registeredAt, string fault)
    {
        var since = DateTimeOffset.UtcNow;
        var missing = new List<string>();
        await Eventually.UntilAsync(
            async () =>
            {
                IReadOnlyList<Instance> now;
                try
                {
                    now = await ListAsync(registry);
                }
                catch (RpcException)
                {
                    return false; // An election in progress: no answer is not a wrong answer.
                }

                if (!now.Select(i => i.Address).SequenceEqual(expected) || now.Any(i => !i.RegisteredAt.Equals(registeredAt[i.Address])))
                {
                    missing.Add(string.Join(", ", now.Select(i => $"{i.Address} registered {i.RegisteredAt}")));
                }

                return now.All(i => i.LastRenewedAt.ToDateTimeOffset() > since + _ttl);
            },
            $"both servers renewed for a TTL after {fault}",
            TimeSpan.FromSeconds(60));
        Assert.True(missing.Count == 0, $"after {fault}, the registry answered with: {string.Join(" | ", missing)}");
    }

    private static async Task<IReadOnlyList<Instance>> ListAsync(RegistryClient registry) =>
        (await registry.ListInstancesAsync(new ListInstancesRequest(), deadline: DateTime.UtcNow.AddSeconds(5))).Instances
            .OrderBy(i => i.Address, StringComparer.Ordinal).ToArray();
}
