using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Roundabout.Database.Storage;
using Roundabout.Hosting;
using DatabaseClient = Roundabout.Contracts.Database.V1.Database.DatabaseClient;

namespace Roundabout.Database.Tests.Grpc;

/// <summary>A real database host on 127.0.0.1 with an ephemeral port, and a client for it.</summary>
internal sealed class DatabaseServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;

    private DatabaseServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        Client = new DatabaseClient(_channel);
    }

    public int Port { get; }

    public DatabaseClient Client { get; }

    public GrpcChannel Channel => _channel;

    public static async Task<DatabaseServer> StartAsync(string? dataDirectory = null, TimeProvider? time = null, ILogDisk? disk = null, string? token = null)
    {
        var app = DatabaseHost.Build(new DatabaseHostOptions
        {
            Port = 0,
            InMemory = dataDirectory is null,
            DataDirectory = dataDirectory ?? DatabaseHostOptions.DefaultDataDirectory,
            TimeProvider = time ?? TimeProvider.System,
            Disk = disk,
            Token = token,
        });
        await app.StartAsync().DefaultTimeout();
        return new DatabaseServer(app, app.GetBoundPort());
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _app.StopAsync().DefaultTimeout();
        await _app.DisposeAsync();
    }
}
