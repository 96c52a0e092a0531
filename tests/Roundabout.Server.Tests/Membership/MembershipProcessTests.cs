using System.Diagnostics;
using System.Globalization;
using Grpc.Net.Client;
using Roundabout.Contracts.Registry.V1;
using Xunit.Abstractions;
using RegistryClient = Roundabout.Contracts.Registry.V1.Registry.RegistryClient;

namespace Roundabout.Server.Tests.Membership;

/// <summary>Membership with real processes: the registry, the database and servers, killed as with kill -9.</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class MembershipProcessTests(ITestOutputHelper output)
{
    private const string RegistryRunning = @"Service Registry running on port :(?<port>\d+)";
    private const string DatabaseRunning = @"Shared Memory running on port :(?<port>\d+)";
    private const string ServerRunning = @"Server running on localhost:(?<port>\d+)\. Waiting for requests\.\.\.";

    [Fact]
    public async Task KilledServer_IsEvictedFromTheList_AndTheOtherStays()
    {
        await using var registry = CliProcess.Start("registry", "--port", "0");
        var registryPort = await registry.WaitForPortAsync(RegistryRunning);
        await using var database = CliProcess.Start("database", "--port", "0");
        var databasePort = await database.WaitForPortAsync(DatabaseRunning);
        await using var doomed = StartServer(registryPort, databasePort);
        await using var survivor = StartServer(registryPort, databasePort);
        var doomedAddress = $"localhost:{await doomed.WaitForPortAsync(ServerRunning)}";
        var survivorAddress = $"localhost:{await survivor.WaitForPortAsync(ServerRunning)}";
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{registryPort}");
        var client = new RegistryClient(channel);
        await Eventually.UntilAsync(async () => (await ListAsync(client)).Count == 2, "both servers are listed");

        var clock = Stopwatch.StartNew();
        doomed.Kill();
        await Eventually.UntilAsync(async () => !(await ListAsync(client)).Contains(doomedAddress), "the killed server is evicted");
        var elapsed = clock.Elapsed;
        output.WriteLine($"evicted {elapsed.TotalSeconds:F2} s after the kill (TTL 3 s)");

        // Its lease ran out at most one TTL after the kill; one sweep later it is gone; the margin is for a loaded machine.
        var defaults = new Roundabout.Registry.RegistryHostOptions();
        var bound = defaults.Ttl + defaults.EffectiveSweepInterval + _margin;
        Assert.True(elapsed < bound, $"evicted {elapsed.TotalSeconds:F2} s after the kill; the bound is TTL + sweep + margin = {bound.TotalSeconds:F1} s");

        Assert.Equal([survivorAddress], await ListAsync(client));
        await registry.WaitForLineAsync($@"\[Registry\] Server evicted \(missed heartbeats\): {doomedAddress}$");
    }

    [Fact]
    public async Task KilledRegistry_RestartedOnItsPort_ListsTheLiveServersAgain()
    {
        var registry = CliProcess.Start("registry", "--port", "0");
        CliProcess? restarted = null;
        try
        {
            var registryPort = await registry.WaitForPortAsync(RegistryRunning);
            await using var database = CliProcess.Start("database", "--port", "0");
            var databasePort = await database.WaitForPortAsync(DatabaseRunning);
            await using var server = StartServer(registryPort, databasePort);
            var address = $"localhost:{await server.WaitForPortAsync(ServerRunning)}";
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{registryPort}", new GrpcChannelOptions
            {
                // Measure the server's return, not this channel's reconnect backoff.
                InitialReconnectBackoff = TimeSpan.FromMilliseconds(20),
                MaxReconnectBackoff = TimeSpan.FromMilliseconds(50),
            });
            var client = new RegistryClient(channel);
            await Eventually.UntilAsync(async () => (await ListAsync(client)).Count == 1, "the server is listed");

            registry.Kill();
            await registry.WaitForExitAsync();
            restarted = CliProcess.Start("registry", "--port", registryPort.ToString(CultureInfo.InvariantCulture));
            await restarted.WaitForLineAsync(RegistryRunning);
            var clock = Stopwatch.StartNew();

            await Eventually.UntilAsync(async () => (await ListAsync(client)).Contains(address), "the server is listed by the restarted registry");
            var elapsed = clock.Elapsed;
            output.WriteLine($"listed again {elapsed.TotalSeconds:F2} s after the registry was up (renew interval 1 s)");

            // The server's next renewal (within one renew interval) is refused, and it registers again at once.
            var bound = new Roundabout.Registry.RegistryHostOptions().EffectiveRenewInterval + _margin;
            Assert.True(elapsed < bound, $"listed again {elapsed.TotalSeconds:F2} s after the registry was up; the bound is renew interval + margin = {bound.TotalSeconds:F1} s");
            await server.WaitForLineAsync(@"\[Server\] Warning: Registry at .+ no longer knows this server's lease");
            await server.WaitForLineAsync(@"\[Server\] Registered again to Registry at ");
        }
        finally
        {
            await registry.DisposeAsync();
            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }
        }
    }

    /// <summary>Room for a loaded machine (two cores, several test processes) on top of the timings the README promises.</summary>
    private static readonly TimeSpan _margin = TimeSpan.FromSeconds(3);

    private static CliProcess StartServer(int registryPort, int databasePort) =>
        CliProcess.Start("server", "--port", "0", "--registry", $"127.0.0.1:{registryPort}", "--database", $"127.0.0.1:{databasePort}");

    private static async Task<List<string>> ListAsync(RegistryClient client) =>
        (await client.ListInstancesAsync(new ListInstancesRequest()).ResponseAsync.DefaultTimeout()).Instances.Select(i => i.Address).ToList();
}
