using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Roundabout.Contracts;
using Roundabout.Contracts.Calculator.V1;
using Roundabout.Contracts.Registry.V1;
using Roundabout.Database;
using Roundabout.Hosting;
using Roundabout.Registry;
using RegistryApi = Roundabout.Contracts.Registry.V1.Registry;
using Roundabout.Server;

namespace Roundabout.Server.Tests.Infrastructure;

/// <summary>A registry, an in-memory database and N servers, each a real host on 127.0.0.1 and a free port.</summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];
    private readonly List<GrpcChannel> _channels = [];

    public int RegistryPort { get; private set; }

    public int DatabasePort { get; private set; }

    public List<RunningServer> Servers { get; } = [];

    public static async Task<TestCluster> StartAsync(int servers)
    {
        var cluster = new TestCluster();
        try
        {
            var registry = RegistryHost.Build(new RegistryHostOptions { Port = 0 });
            await registry.StartAsync().DefaultTimeout();
            cluster._apps.Add(registry);
            cluster.RegistryPort = registry.GetBoundPort();

            var database = DatabaseHost.Build(new DatabaseHostOptions { Port = 0, InMemory = true });
            await database.StartAsync().DefaultTimeout();
            cluster._apps.Add(database);
            cluster.DatabasePort = database.GetBoundPort();

            for (var i = 0; i < servers; i++)
            {
                await cluster.AddServerAsync();
            }

            await Eventually.UntilAsync(
                async () => (await cluster.ListAsync()).Count == servers,
                $"{servers} servers are registered");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async Task<RunningServer> AddServerAsync()
    {
        var app = ServerHost.Build(new ServerHostOptions
        {
            Port = 0,
            AdvertiseHost = "127.0.0.1",
            Registry = [new EndpointAddress("127.0.0.1", RegistryPort)],
            Database = new EndpointAddress("127.0.0.1", DatabasePort),
        });
        await app.StartAsync().DefaultTimeout();
        _apps.Add(app);
        var port = app.GetBoundPort();
        var server = new RunningServer(app, $"127.0.0.1:{port}", new Calculator.CalculatorClient(Channel(port)));
        Servers.Add(server);
        return server;
    }

    public RegistryApi.RegistryClient Registry => new(Channel(RegistryPort));

    public async Task<IReadOnlyList<string>> ListAsync() =>
        (await Registry.ListInstancesAsync(new ListInstancesRequest()).ResponseAsync.DefaultTimeout())
            .Instances.Select(i => i.Address).ToArray();

    public GrpcChannel Channel(int port)
    {
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        _channels.Add(channel);
        return channel;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(15));
            await app.DisposeAsync();
        }
    }
}

internal sealed record RunningServer(WebApplication App, string Address, Calculator.CalculatorClient Client);
