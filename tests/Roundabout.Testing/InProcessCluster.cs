using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Roundabout.Client;
using Roundabout.Contracts;
using Roundabout.Contracts.Calculator.V1;
using Roundabout.Contracts.Registry.V1;
using Roundabout.Database;
using Roundabout.Hosting;
using Roundabout.Registry;
using Roundabout.Server;
using RegistryApi = Roundabout.Contracts.Registry.V1.Registry;

namespace Roundabout.Testing;

/// <summary>
/// The real registry, an in-memory database and real servers, each a host in the test process on
/// 127.0.0.1 and a free port; server processes may join them. With a <see cref="FaultProxy"/>
/// for the database, every server reaches it through the proxy, so a test can cut or blackhole it.
/// </summary>
public sealed class InProcessCluster : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];
    private readonly List<CliProcess> _processes = [];
    private readonly List<RoundaboutClient> _clients = [];
    private readonly List<GrpcChannel> _channels = [];
    private readonly List<FaultProxy> _proxies = [];
    private readonly LogCollector _errors = new();
    private WebApplication? _database;

    private InProcessCluster()
    {
    }

    public int RegistryPort { get; private set; }

    /// <summary>The port the servers use for the database: the proxy's when there is one.</summary>
    public int DatabasePort { get; private set; }

    /// <summary>The database's own port.</summary>
    public int DatabaseDirectPort { get; private set; }

    /// <summary>The proxy between the servers and the database, when the cluster was started with one.</summary>
    public FaultProxy? DatabaseProxy { get; private set; }

    public string RegistryAddress => $"127.0.0.1:{RegistryPort}";

    public List<InProcessServer> Servers { get; } = [];

    public RegistryApi.RegistryClient Registry => new(Channel(RegistryPort));

    /// <summary>The registry's token, which the servers register with and guard their writes with; null leaves writes open.</summary>
    public string? Token { get; private set; }

    /// <summary>Starts the cluster and waits until its <paramref name="servers"/> servers are registered.</summary>
    /// <summary>Errors and criticals logged by any of the cluster's in-process hosts so far.</summary>
    public int ErrorsLogged => _errors.Errors;

    public static async Task<InProcessCluster> StartAsync(int servers, bool proxyDatabase = false, string? token = null)
    {
        var cluster = new InProcessCluster { Token = token };
        try
        {
            var registry = RegistryHost.Build(new RegistryHostOptions { Port = 0, Token = token }, cluster.CountErrors);
            await registry.StartAsync().DefaultTimeout();
            cluster._apps.Add(registry);
            cluster.RegistryPort = registry.GetBoundPort();

            var database = DatabaseHost.Build(new DatabaseHostOptions { Port = 0, InMemory = true }, cluster.CountErrors);
            await database.StartAsync().DefaultTimeout();
            cluster._apps.Add(database);
            cluster._database = database;
            cluster.DatabaseDirectPort = database.GetBoundPort();
            cluster.DatabaseProxy = proxyDatabase ? FaultProxy.Start(cluster.DatabaseDirectPort) : null;
            cluster.DatabasePort = cluster.DatabaseProxy?.Port ?? cluster.DatabaseDirectPort;

            for (var i = 0; i < servers; i++)
            {
                await cluster.AddServerAsync();
            }

            await Eventually.UntilAsync(async () => (await cluster.ListAsync()).Count == servers, $"{servers} servers are registered");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a server host; <paramref name="configureServices"/> may add to its services (an interceptor, say).</summary>
    public async Task<InProcessServer> AddServerAsync(Action<IServiceCollection>? configureServices = null)
    {
        var app = ServerHost.Build(new ServerHostOptions
        {
            Port = 0,
            AdvertiseHost = "127.0.0.1",
            Registry = [new EndpointAddress("127.0.0.1", RegistryPort)],
            Database = new EndpointAddress("127.0.0.1", DatabasePort),
            Token = Token,
        }, services =>
        {
            CountErrors(services);
            configureServices?.Invoke(services);
        });
        await app.StartAsync().DefaultTimeout();
        _apps.Add(app);
        var port = app.GetBoundPort();
        var server = new InProcessServer(app, $"127.0.0.1:{port}", new Calculator.CalculatorClient(Channel(port)));
        Servers.Add(server);
        return server;
    }

    /// <summary>A real <c>roundabout server</c> process, which a test may kill as with <c>kill -9</c> or pause; <paramref name="extraArgs"/> go on its command line.</summary>
    public async Task<(CliProcess Process, string Address)> AddServerProcessAsync(params string[] extraArgs)
    {
        var process = CliProcess.Start(
            ["server", "--port", "0", "--advertise-host", "127.0.0.1", "--registry", RegistryAddress, "--database", $"127.0.0.1:{DatabasePort}", .. extraArgs],
            environment: null);
        _processes.Add(process);
        var port = await process.WaitForPortAsync(LogLines.ServerRunning);
        return (process, $"127.0.0.1:{port}");
    }

    private void CountErrors(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(_errors);

    /// <summary>Stops the database, as a crash of it would: the servers stay up and answer with its absence.</summary>
    public async Task StopDatabaseAsync()
    {
        var database = _database ?? throw new InvalidOperationException("the cluster has no database");
        _database = null;
        _apps.Remove(database);
        await database.StopAsync(new CancellationToken(true)).WaitAsync(TimeSpan.FromSeconds(15));
        await database.DisposeAsync();
    }

    public RoundaboutClient CreateClient(Action<RoundaboutClientOptions>? configure = null)
    {
        var options = new RoundaboutClientOptions { Registries = [EndpointAddress.Parse(RegistryAddress)] };
        configure?.Invoke(options);
        var client = RoundaboutClient.Create(options, LoggerFactory.Create(b => b.AddExerciseConsole("Client", LogLevel.Warning)));
        _clients.Add(client);
        return client;
    }

    /// <summary>
    /// A client that reaches every server through a <see cref="FaultProxy"/> of its own, in the
    /// order of <see cref="Servers"/>. Its registry is a second one (leases of an hour) that lists
    /// the proxies; the servers keep registering with the cluster's.
    /// </summary>
    public async Task<(RoundaboutClient Client, IReadOnlyList<FaultProxy> Proxies)> CreateClientThroughProxiesAsync(Action<RoundaboutClientOptions>? configure = null)
    {
        var registry = RegistryHost.Build(new RegistryHostOptions { Port = 0, Ttl = TimeSpan.FromHours(1) });
        await registry.StartAsync().DefaultTimeout();
        _apps.Add(registry);
        var registryPort = registry.GetBoundPort();
        var registryClient = new RegistryApi.RegistryClient(Channel(registryPort));
        var proxies = new List<FaultProxy>();
        foreach (var server in Servers)
        {
            var proxy = FaultProxy.Start(int.Parse(server.Address.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
            _proxies.Add(proxy);
            proxies.Add(proxy);
            await registryClient.RegisterAsync(new RegisterRequest { Address = proxy.Address }).ResponseAsync.DefaultTimeout();
        }

        var client = CreateClient(options =>
        {
            options.Registries = [new EndpointAddress("127.0.0.1", registryPort)];
            configure?.Invoke(options);
        });
        return (client, proxies);
    }

    public async Task<IReadOnlyList<string>> ListAsync() =>
        (await Registry.ListInstancesAsync(new ListInstancesRequest()).ResponseAsync.DefaultTimeout())
            .Instances.Select(i => i.Address).ToArray();

    /// <summary>A channel to a port on 127.0.0.1, disposed with the cluster.</summary>
    public GrpcChannel Channel(int port)
    {
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        lock (_channels)
        {
            _channels.Add(channel);
        }

        return channel;
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

        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.StopAsync(new CancellationToken(true)).WaitAsync(TimeSpan.FromSeconds(15));
            await app.DisposeAsync();
        }

        foreach (var proxy in _proxies)
        {
            await proxy.DisposeAsync();
        }

        if (DatabaseProxy is { } databaseProxy)
        {
            await databaseProxy.DisposeAsync();
        }
    }
}

/// <summary>One server host of an <see cref="InProcessCluster"/>, with a client straight to it.</summary>
public sealed record InProcessServer(WebApplication App, string Address, Calculator.CalculatorClient Client);
