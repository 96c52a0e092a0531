using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Roundabout.Contracts;
using Roundabout.Contracts.Registry.V1;

namespace Roundabout.Client.Tests.Real;

/// <summary>
/// Instances that anyone listed in a registry without a token, under names that never resolve:
/// the client looks the names up off the thread pool, never dials one that does not resolve,
/// and does not hold its first call up for them.
/// </summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class UnresolvableServersTests
{
    [Fact]
    public async Task FakeInstancesWhoseNamesNeverAnswer_DoNotHoldTheFirstCallUp_AndNoLookupTakesAPoolThread()
    {
        await using var cluster = await InProcessCluster.StartAsync(servers: 1);
        var real = cluster.Servers[0].Address;
        await using var fakes = await FakeInstances.ListAsync(cluster, ServiceNames.Calculator, count: 50);

        // Each lookup holds its thread five seconds and then fails, as the system's lookup does when a busy DNS server drops the query.
        var lookups = 0;
        var onPoolThreads = 0;
        var client = cluster.CreateClient(o => o.HostLookup = host =>
        {
            Interlocked.Increment(ref lookups);
            if (Thread.CurrentThread.IsThreadPoolThread)
            {
                Interlocked.Increment(ref onPoolThreads);
            }

            Thread.Sleep(TimeSpan.FromSeconds(5));
            throw new SocketException((int)SocketError.TryAgain);
        });

        var started = Stopwatch.StartNew();
        var listed = await client.StartAsync().DefaultTimeout();
        var served = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            served.Add((await client.SumAsync("1", "2").DefaultTimeout()).Server);
        }

        var elapsed = started.Elapsed;
        Assert.Contains(listed, s => s.Address.EndsWith(".invalid:1000", StringComparison.Ordinal));
        Assert.All(served, server => Assert.Equal(real, server));
        Assert.True(elapsed < RoundaboutClient.FirstConnectWait, $"the first calls took {elapsed}: the client waited for names still being looked up");
        Assert.True(Volatile.Read(ref lookups) > 0, "the client looked the fake names up");
        Assert.Equal(0, Volatile.Read(ref onPoolThreads));
    }

    [Fact]
    public async Task NoListedNameResolves_TheCallFails_SayingSo()
    {
        await using var cluster = await InProcessCluster.StartAsync(servers: 0);
        await using var fakes = await FakeInstances.ListAsync(cluster, "orders", count: 3);
        var client = cluster.CreateClient(o =>
        {
            o.Service = "orders";
            o.HostLookup = _ => throw new SocketException((int)SocketError.HostNotFound);
        });

        // Like servers that all refuse, the call keeps trying (a name may come to resolve) until its deadline.
        var error = await Assert.ThrowsAsync<RpcException>(() => client.SumAsync("1", "2").DefaultTimeout());

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("host name resolves", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(".invalid:1000", error.Status.Detail, StringComparison.Ordinal);
    }

    /// <summary>Instances <c>fake{i}.invalid:1000</c> of one service, renewed until disposed.</summary>
    private sealed class FakeInstances : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _renewing = Task.CompletedTask;

        public static async Task<FakeInstances> ListAsync(InProcessCluster cluster, string service, int count)
        {
            var registry = cluster.Registry;
            var leases = new List<string>();
            for (var i = 0; i < count; i++)
            {
                var reply = await registry.RegisterAsync(new RegisterRequest { Service = service, Address = $"fake{i}.invalid:1000" }).ResponseAsync.DefaultTimeout();
                leases.Add(reply.LeaseId);
            }

            var fakes = new FakeInstances();
            fakes._renewing = fakes.RenewAsync(registry, leases);
            return fakes;
        }

        private async Task RenewAsync(Contracts.Registry.V1.Registry.RegistryClient registry, List<string> leases)
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    foreach (var lease in leases)
                    {
                        await registry.RenewAsync(new RenewRequest { LeaseId = lease }, cancellationToken: _stop.Token);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _renewing;
            _stop.Dispose();
        }
    }
}
