using Microsoft.Extensions.Logging.Abstractions;
using Roundabout.Registry.Etcd;
using Roundabout.Registry.Membership;
using Roundabout.Testing.Engines;

namespace Roundabout.Registry.Etcd.Tests;

/// <summary>One real etcd for a test class; every backend it makes has its own key prefix, so it starts empty.</summary>
public sealed class EtcdFixture : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _backends = [];

    internal EtcdServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await EtcdServer.StartAsync();

    internal IMembershipBackend CreateBackend(TimeSpan ttl, string? prefix = null)
    {
        var backend = EtcdMembership.Create(
            new EtcdMembershipOptions { Endpoints = [Server.Address], Ttl = ttl, Prefix = prefix ?? UniquePrefix() },
            TimeProvider.System,
            NullLoggerFactory.Instance);
        lock (_backends)
        {
            _backends.Add((IAsyncDisposable)backend);
        }

        return backend;
    }

    internal static string UniquePrefix() => $"/roundabout-test/{Guid.NewGuid():N}/";

    public async Task DisposeAsync()
    {
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }

        await Server.DisposeAsync();
    }
}
