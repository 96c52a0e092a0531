using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Roundabout.Client.Discovery;
using Roundabout.Testing.Fakes;
using Roundabout.Contracts;

namespace Roundabout.Client.Tests;

[Trait(Tier.Name, Tier.Host)]
public sealed class ServerDirectoryTests
{
    [Fact]
    public async Task RefreshAfterFailures_IsRateLimited()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 1);
        var time = new FakeTimeProvider();
        using var registry = new RegistryEndpoints([EndpointAddress.Parse(cluster.RegistryAddress)], TimeSpan.FromSeconds(10), tls: null, TimeProvider.System, NullLogger.Instance);
        using var directory = new ServerDirectory(registry, ServiceNames.Calculator, TimeSpan.FromSeconds(2), time, NullLogger.Instance);

        await directory.EnsureFetchedAsync(CancellationToken.None).DefaultTimeout();
        await directory.EnsureFetchedAsync(CancellationToken.None).DefaultTimeout();
        Assert.Equal(1, cluster.Registry.ListCalls);

        Assert.False(await directory.RefreshAfterFailuresAsync("test", CancellationToken.None).DefaultTimeout());
        time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(await directory.RefreshAfterFailuresAsync("test", CancellationToken.None).DefaultTimeout());
        time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.True(await directory.RefreshAfterFailuresAsync("test", CancellationToken.None).DefaultTimeout());
        Assert.False(await directory.RefreshAfterFailuresAsync("test", CancellationToken.None).DefaultTimeout());

        Assert.Equal(2, cluster.Registry.ListCalls);
        Assert.Equal(2, directory.FetchCount);
    }

    [Fact]
    public async Task ExplicitRefresh_IsNeverRateLimited()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 1);
        using var registry = new RegistryEndpoints([EndpointAddress.Parse(cluster.RegistryAddress)], TimeSpan.FromSeconds(10), tls: null, TimeProvider.System, NullLogger.Instance);
        using var directory = new ServerDirectory(registry, ServiceNames.Calculator, TimeSpan.FromHours(1), new FakeTimeProvider(), NullLogger.Instance);
        var changes = 0;
        directory.Changed += () => Interlocked.Increment(ref changes);

        await directory.EnsureFetchedAsync(CancellationToken.None).DefaultTimeout();
        await cluster.StartServerAsync();
        var servers = await directory.RefreshAsync(CancellationToken.None).DefaultTimeout();

        Assert.Equal(2, servers.Count);
        Assert.Equal(2, changes);
    }
}
