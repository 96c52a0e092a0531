using Roundabout.Scale.Tests.Engines;
using Roundabout.Server;
using Roundabout.Server.Accumulators;

namespace Roundabout.Scale.Tests.Accumulators;

/// <summary>One real single-member etcd for a test class; each store it makes has its own client.</summary>
public sealed class EtcdAccumulatorFixture : IAsyncLifetime
{
    private readonly List<EtcdAccumulatorStore> _stores = [];

    internal EtcdServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await EtcdServer.StartAsync();

    internal EtcdAccumulatorStore CreateStore(int multiplyBatch = ServerHostOptions.DefaultMultiplyBatch)
    {
        var store = new EtcdAccumulatorStore([Server.Address], new ServerHostOptions { MultiplyBatch = multiplyBatch }, TimeProvider.System);
        lock (_stores)
        {
            _stores.Add(store);
        }

        return store;
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
