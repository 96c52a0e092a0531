using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Roundabout.Contracts;
using Roundabout.Database;
using Roundabout.Hosting;
using Roundabout.Registry;
using Roundabout.Server;

namespace Roundabout.Client.Tests.Real;

/// <summary>The real registry, an in-memory database and real servers, each a host on 127.0.0.1 and a free port.</summary>
internal sealed class RealCluster : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];
    private readonly List<CliProcess> _processes = [];
    private readonly List<RoundaboutClient> _clients = [];
    private WebApplication? _database;

    public int RegistryPort { get; private set; }

    public int DatabasePort { get; private set; }

    public string RegistryAddress => $"127.0.0.1:{RegistryPort}";

    public List<(WebApplication App, string Address)> Servers { get; } = [];

    public static async Task<RealCluster> StartAsync(int servers)
    {
        var cluster = new RealCluster();
        try
        {
            var registry = RegistryHost.Build(new RegistryHostOptions { Port = 0 });
            await registry.StartAsync().DefaultTimeout();
            cluster._apps.Add(registry);
            cluster.RegistryPort = registry.GetBoundPort();

            var database = DatabaseHost.Build(new DatabaseHostOptions { Port = 0, InMemory = true });
            await database.StartAsync().DefaultTimeout();
            cluster._apps.Add(database);
            cluster._database = database;
            cluster.DatabasePort = database.GetBoundPort();

            for (var i = 0; i < servers; i++)
            {
                await cluster.AddServerAsync();
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the database, as a crash of it would: the servers stay up and answer with its absence.</summary>
    public async Task StopDatabaseAsync()
    {
        var database = _database ?? throw new InvalidOperationException("the cluster has no database");
        _database = null;
        _apps.Remove(database);
        await database.StopAsync(new CancellationToken(true)).WaitAsync(TimeSpan.FromSeconds(15));
        await database.DisposeAsync();
    }

    public async Task<string> AddServerAsync(Action<IServiceCollection>? configureServices = null)
    {
        var app = ServerHost.Build(new ServerHostOptions
        {
            Port = 0,
            AdvertiseHost = "127.0.0.1",
            Registry = [new EndpointAddress("127.0.0.1", RegistryPort)],
            Database = new EndpointAddress("127.0.0.1", DatabasePort),
        }, configureServices);
        await app.StartAsync().DefaultTimeout();
        _apps.Add(app);
        var address = $"127.0.0.1:{app.GetBoundPort()}";
        Servers.Add((app, address));
        return address;
    }

    /// <summary>A real <c>roundabout server</c> process, which a test may kill as with <c>kill -9</c>.</summary>
    public async Task<(CliProcess Process, string Address)> AddServerProcessAsync()
    {
        var process = CliProcess.Start(
            "server", "--port", "0", "--advertise-host", "127.0.0.1",
            "--registry", RegistryAddress, "--database", $"127.0.0.1:{DatabasePort}");
        _processes.Add(process);
        var port = await process.WaitForPortAsync(@"Server running on 127\.0\.0\.1:(?<port>\d+)");
        return (process, $"127.0.0.1:{port}");
    }

    public RoundaboutClient CreateClient(Action<RoundaboutClientOptions>? configure = null)
    {
        var options = new RoundaboutClientOptions { Registries = [EndpointAddress.Parse(RegistryAddress)] };
        configure?.Invoke(options);
        var client = RoundaboutClient.Create(options, LoggerFactory.Create(b => b.AddExerciseConsole("Client", LogLevel.Warning)));
        _clients.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.StopAsync(new CancellationToken(true)).WaitAsync(TimeSpan.FromSeconds(15));
            await app.DisposeAsync();
        }
    }
}
