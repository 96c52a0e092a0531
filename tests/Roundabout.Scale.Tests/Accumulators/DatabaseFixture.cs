using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Abstractions;
using Roundabout.Contracts;
using Roundabout.Contracts.Database.V1;
using Roundabout.Database;
using Roundabout.Hosting;
using Roundabout.Server;
using Roundabout.Server.Accumulators;
using DatabaseClient = Roundabout.Contracts.Database.V1.Database.DatabaseClient;

namespace Roundabout.Scale.Tests.Accumulators;

/// <summary>Roundabout's own durable database on 127.0.0.1 and port 0, in a temporary data directory.</summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    private readonly List<GrpcChannel> _channels = [];
    private readonly string _directory = Directory.CreateTempSubdirectory("roundabout-db-").FullName;
    private WebApplication? _app;
    private int _port;

    public async Task InitializeAsync()
    {
        _app = DatabaseHost.Build(new DatabaseHostOptions { Port = 0, DataDirectory = _directory });
        await _app.StartAsync().DefaultTimeout();
        _port = _app.GetBoundPort();
    }

    internal DatabaseAccumulatorStore CreateStore(int multiplyBatch = ServerHostOptions.DefaultMultiplyBatch, TimeSpan? sessionTtl = null)
    {
        var options = new ServerHostOptions
        {
            Database = new EndpointAddress("127.0.0.1", _port),
            MultiplyBatch = multiplyBatch,
            SessionTtl = sessionTtl ?? new ServerHostOptions().SessionTtl,
        };
        return new DatabaseAccumulatorStore(Client(_port), options, TimeProvider.System);
    }

    /// <summary>A store pointed at a port where no database listens.</summary>
    internal DatabaseAccumulatorStore CreateUnreachableStore()
    {
        var port = FreePorts.Next();
        var options = new ServerHostOptions { Database = new EndpointAddress("127.0.0.1", port), CallDeadline = TimeSpan.FromSeconds(2) };
        return new DatabaseAccumulatorStore(Client(port), options, TimeProvider.System);
    }

    /// <summary>Puts <paramref name="value"/> at <paramref name="key"/>, around any store.</summary>
    internal async Task WriteAsync(string key, string value) =>
        await Client(_port).PutAsync(new PutRequest { Key = key, Value = Google.Protobuf.ByteString.CopyFromUtf8(value) }).ResponseAsync.DefaultTimeout();

    /// <summary>The bytes the database holds at <paramref name="key"/>, read around any store; null when absent.</summary>
    internal async Task<byte[]?> ReadAsync(string key)
    {
        var reply = await Client(_port).GetAsync(new GetRequest { Key = key }).ResponseAsync.DefaultTimeout();
        return reply.Found ? reply.Item.Value.ToByteArray() : null;
    }

    private DatabaseClient Client(int port)
    {
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        lock (_channels)
        {
            _channels.Add(channel);
        }

        return new DatabaseClient(channel);
    }

    public async Task DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        if (_app is not null)
        {
            await _app.StopAsync().DefaultTimeout();
            await _app.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }
}
