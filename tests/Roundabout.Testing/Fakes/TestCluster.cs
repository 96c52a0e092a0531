using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Roundabout.Client;
using Roundabout.Contracts;
using Roundabout.Hosting;

namespace Roundabout.Testing.Fakes;

/// <summary>An in-test registry and calculation servers on Kestrel at 127.0.0.1:0.</summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];
    private readonly List<RoundaboutClient> _clients = [];

    private TestCluster(WebApplication registryApp, FakeRegistry registry)
    {
        _apps.Add(registryApp);
        Registry = registry;
        RegistryAddress = $"127.0.0.1:{registryApp.GetBoundPort()}";
    }

    public FakeRegistry Registry { get; }

    public string RegistryAddress { get; }

    public SharedAccumulators Accumulators { get; } = new();

    public List<FakeServer> Servers { get; } = [];

    public static async Task<TestCluster> StartAsync(int servers = 0)
    {
        var registry = new FakeRegistry();
        var app = Build("Registry", registry);
        app.MapGrpcService<FakeRegistry>();
        await app.StartAsync().DefaultTimeout();
        var cluster = new TestCluster(app, registry);
        for (var i = 0; i < servers; i++)
        {
            await cluster.StartServerAsync();
        }

        return cluster;
    }

    /// <summary>Starts a calculation server and, unless told not to, lists it in the registry.</summary>
    public async Task<FakeServer> StartServerAsync(bool register = true)
    {
        var calculator = new FakeCalculator(Accumulators);
        var app = Build("Server", calculator);
        app.MapGrpcService<FakeCalculator>();
        await app.StartAsync().DefaultTimeout();
        calculator.Address = $"127.0.0.1:{app.GetBoundPort()}";
        _apps.Add(app);
        var server = new FakeServer(app, calculator);
        Servers.Add(server);
        if (register)
        {
            Registry.Add(calculator.Address);
        }

        return server;
    }

    /// <param name="logs">Also gets the client's log lines (warnings and worse), when given.</param>
    public RoundaboutClient CreateClient(Action<RoundaboutClientOptions>? configure = null, ILoggerProvider? logs = null)
    {
        var options = new RoundaboutClientOptions { Registries = [EndpointAddress.Parse(RegistryAddress)] };
        configure?.Invoke(options);
        var client = RoundaboutClient.Create(options, LoggerFactory.Create(b =>
        {
            b.AddExerciseConsole("Client", LogLevel.Warning);
            if (logs is not null)
            {
                b.AddProvider(logs);
            }
        }));
        _clients.Add(client);
        return client;
    }

    private static WebApplication Build<T>(string component, T service)
        where T : class
    {
        var builder = GrpcHost.CreateBuilder(new GrpcHostOptions { Component = component, Port = 0 });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(service);
        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        foreach (var app in _apps)
        {
            await app.StopAsync(new CancellationToken(true));
            await app.DisposeAsync();
        }
    }
}

/// <summary>One fake server and the means to stop it.</summary>
public sealed class FakeServer(WebApplication app, FakeCalculator calculator)
{
    public FakeCalculator Calculator => calculator;

    public string Address => calculator.Address;

    /// <summary>Stops at once: open connections are aborted, as when the process dies.</summary>
    public async Task KillAsync()
    {
        await app.StopAsync(new CancellationToken(true)).DefaultTimeout();
    }
}
