using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Roundabout.Contracts;
using Roundabout.Contracts.Registry.V1;
using Roundabout.Client.Network;
using Microsoft.Extensions.DependencyInjection;
using Roundabout.Hosting;
using RegistryClient = Roundabout.Contracts.Registry.V1.Registry.RegistryClient;

namespace Roundabout.Dashboard.Tests;

/// <summary>
/// A thousand instances whose host names do not resolve (<c>*.invalid</c>) beside one real
/// server, behind a resolver that does not answer (each lookup holds its thread for five seconds,
/// as the system's lookup does while it waits for a silent DNS server): the dashboard keeps
/// answering, never lends a thread-pool thread to a lookup (a few held for seconds stall every
/// request of a process on a small machine), and lists the real server alone once they are gone.
/// </summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class UnresolvableFloodTests
{
    private const int Flood = 1_000;

    [Fact]
    public async Task ThousandUnresolvableInstances_HealthzKeepsAnswering_AndTheRealServerIsListedAloneAfterEviction()
    {
        var lookups = 0;
        var onPoolThreads = 0;
        await using var cluster = await InProcessCluster.StartAsync(servers: 1);
        await using var dashboard = DashboardHost.Build(new DashboardOptions
        {
            Port = 0,
            Registries = [EndpointAddress.Parse(cluster.RegistryAddress)],
            Database = new EndpointAddress("127.0.0.1", cluster.DatabaseDirectPort),
            Log = new LogSettings(Minimum: LogLevel.Warning),
        }, services => services.AddSingleton<HostLookup>(SilentResolver));

        IPAddress[] SilentResolver(string host)
        {
            Interlocked.Increment(ref lookups);
            if (Thread.CurrentThread.IsThreadPoolThread)
            {
                Interlocked.Increment(ref onPoolThreads);
            }

            Thread.Sleep(TimeSpan.FromSeconds(5));
            throw new SocketException((int)SocketError.TryAgain);
        }

        await dashboard.StartAsync().DefaultTimeout();
        var url = DashboardHost.Url(dashboard);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        await Eventually.UntilAsync(async () => (await StateAsync(http, url)).Count == 1, "the real server is listed");

        // Ten client addresses of a hundred registrations each: within the registry's per-client burst.
        var channels = Enumerable.Range(10, 10).Select(i => OtherLoopback.Channel(cluster.RegistryPort, IPAddress.Parse($"127.0.0.{i}"))).ToArray();
        try
        {
            var clients = channels.Select(c => new RegistryClient(c)).ToArray();
            var leases = await Task.WhenAll(Enumerable.Range(0, Flood).Select(async i =>
                (await clients[i % clients.Length].RegisterAsync(new RegisterRequest { Address = $"flood{i}.invalid:1000" }).ResponseAsync.DefaultTimeout()).LeaseId));

            // Kept alive for ten seconds, while /healthz is asked every quarter second.
            var stalls = new List<string>();
            var renewing = Stopwatch.StartNew();
            while (renewing.Elapsed < TimeSpan.FromSeconds(10))
            {
                var renewals = Task.WhenAll(leases.Select((lease, i) => RenewAsync(clients[i % clients.Length], lease)));
                for (var k = 0; k < 4; k++)
                {
                    if (await HealthzAsync(http, url) is { } stall)
                    {
                        stalls.Add(stall);
                    }

                    await Task.Delay(250);
                }

                await renewals.WaitAsync(TimeSpan.FromSeconds(30));
            }

            Assert.Empty(stalls);
            Assert.True(Volatile.Read(ref lookups) > 0, "the dashboard looked the flood's names up");
            Assert.Equal(0, Volatile.Read(ref onPoolThreads));

            // Unrenewed, they expire one TTL later; the registry's eviction guard holds so many expiries
            // at once a while longer (ten seconds on a loaded machine), then the page shows the real server alone.
            await Eventually.UntilAsync(
                async () => await StateAsync(http, url) is { Count: 1 } members && members[0] == (cluster.Servers[0].Address, "serving"),
                "the real server alone, serving",
                TimeSpan.FromSeconds(60));
            Assert.Null(await HealthzAsync(http, url));
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }
    }

    /// <summary>On a loaded machine a lease may lapse before its first renewal: that instance is simply gone.</summary>
    private static async Task RenewAsync(RegistryClient client, string lease)
    {
        try
        {
            await client.RenewAsync(new RenewRequest { LeaseId = lease });
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
        }
    }

    /// <summary>Null when /healthz answered; otherwise what went wrong.</summary>
    private static async Task<string?> HealthzAsync(HttpClient http, string url)
    {
        try
        {
            var text = await http.GetStringAsync(new Uri(url + "healthz"));
            return text == "ok\n" ? null : $"answered '{text}'";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return $"{DateTime.UtcNow:HH:mm:ss.fff} no answer: {ex.GetType().Name}";
        }
    }

    private static async Task<IReadOnlyList<(string Address, string Health)>> StateAsync(HttpClient http, string url)
    {
        try
        {
            using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri(url + "api/state")));
            return json.RootElement.GetProperty("members").EnumerateArray()
                .Select(m => (m.GetProperty("address").GetString()!, m.GetProperty("health").GetProperty("status").GetString()!))
                .ToArray();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return [];
        }
    }
}
