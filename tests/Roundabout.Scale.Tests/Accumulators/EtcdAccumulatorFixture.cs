using dotnet_etcd;
using Roundabout.Contracts;
using Roundabout.Testing.Engines;
using Roundabout.Server;
using Roundabout.Server.Accumulators;

namespace Roundabout.Scale.Tests.Accumulators;

/// <summary>One real single-member etcd for a test class; each store it makes has its own client.</summary>
public sealed class EtcdAccumulatorFixture : IAsyncLifetime
{
    private readonly List<EtcdAccumulatorStore> _stores = [];

    internal EtcdServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await EtcdServer.StartAsync();

    internal EtcdAccumulatorStore CreateStore(int multiplyBatch = ServerHostOptions.DefaultMultiplyBatch, TimeSpan? sessionTtl = null)
    {
        var options = new ServerHostOptions { MultiplyBatch = multiplyBatch, SessionTtl = sessionTtl ?? new ServerHostOptions().SessionTtl };
        var store = new EtcdAccumulatorStore([Server.Address], options, TimeProvider.System);
        lock (_stores)
        {
            _stores.Add(store);
        }

        return store;
    }

    /// <summary>A store pointed at a port where no etcd listens.</summary>
    internal EtcdAccumulatorStore CreateUnreachableStore()
    {
        var store = new EtcdAccumulatorStore([new EndpointAddress("127.0.0.1", FreePorts.Next())], new ServerHostOptions { CallDeadline = TimeSpan.FromSeconds(2) }, TimeProvider.System);
        lock (_stores)
        {
            _stores.Add(store);
        }

        return store;
    }

    /// <summary>Puts <paramref name="value"/> at <paramref name="key"/>, around any store.</summary>
    internal async Task WriteAsync(string key, string value)
    {
        using var client = new EtcdClient($"http://127.0.0.1:{Server.ClientPort}");
        await client.PutAsync(key, value).DefaultTimeout();
    }

    /// <summary>The bytes etcd holds at <paramref name="key"/>, read around any store; null when absent.</summary>
    internal async Task<byte[]?> ReadAsync(string key)
    {
        using var client = new EtcdClient($"http://127.0.0.1:{Server.ClientPort}");
        var reply = await client.GetAsync(key).DefaultTimeout();
        return reply.Kvs.Count == 0 ? null : reply.Kvs[0].Value.ToByteArray();
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        await Server.DisposeAsync();
    }
}
