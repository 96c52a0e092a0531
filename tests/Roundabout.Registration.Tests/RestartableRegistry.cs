using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Roundabout.Contracts;
using Roundabout.Contracts.Registry.V1;
using Roundabout.Hosting;
using Roundabout.Registry;
using RegistryApi = Roundabout.Contracts.Registry.V1.Registry;

namespace Roundabout.Registration.Tests;

/// <summary>A real registry host on 127.0.0.1 that can be stopped and started again on the same port.</summary>
internal sealed class RestartableRegistry : IAsyncDisposable
{
    private readonly RegistryHostOptions _template;
    private readonly GrpcChannel _channel;
    private WebApplication? _app;

    private RestartableRegistry(RegistryHostOptions template, WebApplication app, int port)
    {
        _template = template;
        _app = app;
        Port = port;
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        Client = new RegistryApi.RegistryClient(_channel);
    }

    public int Port { get; }

    public EndpointAddress Address => new("127.0.0.1", Port);

    public RegistryApi.RegistryClient Client { get; }

    /// <summary>Short leases, so that the tests see expiry and renewals quickly.</summary>
    public static RegistryHostOptions ShortLeases(string? token = null) => new()
    {
        Port = 0,
        Ttl = TimeSpan.FromMilliseconds(1500),
        RenewInterval = TimeSpan.FromMilliseconds(300),
        Token = token,
    };

    public static async Task<RestartableRegistry> StartAsync(RegistryHostOptions? options = null)
    {
        options ??= ShortLeases();
        var app = await StartHostAsync(options, port: 0);
        return new RestartableRegistry(options, app, app.GetBoundPort());
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync().DefaultTimeout();
            await app.DisposeAsync();
        }
    }

    /// <summary>A fresh registry on the same port: it knows no lease.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        _app = await StartHostAsync(_template, Port);
    }

    public async Task<IReadOnlyList<Instance>> ListAsync() =>
        (await Client.ListInstancesAsync(new ListInstancesRequest()).ResponseAsync.DefaultTimeout()).Instances;

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await StopAsync();
    }

    private static async Task<WebApplication> StartHostAsync(RegistryHostOptions options, int port)
    {
        var app = RegistryHost.Build(new RegistryHostOptions
        {
            Port = port,
            Ttl = options.Ttl,
            RenewInterval = options.RenewInterval,
            Token = options.Token,
        });
        await app.StartAsync().DefaultTimeout();
        return app;
    }
}
