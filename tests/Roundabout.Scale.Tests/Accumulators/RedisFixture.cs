using Microsoft.Extensions.Logging.Abstractions;
using Roundabout.Contracts;
using Roundabout.Testing.Engines;
using Roundabout.Server;
using Roundabout.Server.Accumulators;
using StackExchange.Redis;

namespace Roundabout.Scale.Tests.Accumulators;

/// <summary>One real redis-server for a test class; each store it makes has its own connection.</summary>
public sealed class RedisFixture : IAsyncLifetime, IAsyncDisposable
{
    private readonly List<RedisConnection> _connections = [];

    internal RedisServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServer.StartAsync();

    internal RedisAccumulatorStore CreateStore(TimeSpan? callDeadline = null, int multiplyBatch = ServerHostOptions.DefaultMultiplyBatch, TimeSpan? sessionTtl = null)
    {
        var options = new ServerHostOptions
        {
            Store = StoreAddress.Redis([Server.Address]),
            CallDeadline = callDeadline ?? TimeSpan.FromSeconds(10),
            MultiplyBatch = multiplyBatch,
            SessionTtl = sessionTtl ?? new ServerHostOptions().SessionTtl,
        };
        var connection = new RedisConnection([Server.Address], options.CallDeadline, NullLogger<RedisConnection>.Instance);
        lock (_connections)
        {
            _connections.Add(connection);
        }

        return new RedisAccumulatorStore(connection, options);
    }

    /// <summary>A store pointed at a port where no Redis listens.</summary>
    internal RedisAccumulatorStore CreateUnreachableStore()
    {
        var options = new ServerHostOptions { CallDeadline = TimeSpan.FromSeconds(2) };
        var connection = new RedisConnection([new EndpointAddress("127.0.0.1", FreePorts.Next())], options.CallDeadline, NullLogger<RedisConnection>.Instance);
        lock (_connections)
        {
            _connections.Add(connection);
        }

        return new RedisAccumulatorStore(connection, options);
    }

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>, around any store.</summary>
    internal async Task WriteAsync(string key, string value)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Server.Port}").DefaultTimeout();
        await redis.GetDatabase().StringSetAsync(key, value).DefaultTimeout();
    }

    /// <summary>The bytes Redis holds at <paramref name="key"/>, read around any store; null when absent.</summary>
    internal async Task<byte[]?> ReadAsync(string key)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Server.Port}").DefaultTimeout();
        return await redis.GetDatabase().StringGetAsync(key).DefaultTimeout();
    }

    public async Task DisposeAsync() => await ((IAsyncDisposable)this).DisposeAsync();

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        await Server.DisposeAsync();
    }
}
