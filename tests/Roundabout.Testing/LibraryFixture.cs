using Microsoft.AspNetCore.Hosting;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Roundabout.Contracts.Registry.V1;
using Roundabout.Hosting;
using Roundabout.Registry;
using Roundabout.Registration;
using RegistryApi = Roundabout.Contracts.Registry.V1.Registry;

namespace Roundabout.Testing;

/// <summary>
/// A real registry on 127.0.0.1 and apps of "our own" that register with the registration
/// package: gRPC apps whose Where answers with their own port, and HTTP apps whose /whoami does.
/// </summary>
public sealed class LibraryFixture : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];

    private LibraryFixture(WebApplication registry)
    {
        Registry = registry;
        _apps.Add(registry);
    }

    public WebApplication Registry { get; }

    public string RegistryAddress => $"127.0.0.1:{Registry.GetBoundPort()}";

    public static async Task<LibraryFixture> StartAsync(TimeSpan? ttl = null)
    {
        var registry = RegistryHost.Build(new RegistryHostOptions { Port = 0, Ttl = ttl ?? TimeSpan.FromSeconds(30) });
        await registry.StartAsync().DefaultTimeout();
        return new LibraryFixture(registry);
    }

    public async Task<IReadOnlyList<Instance>> ListAsync(string service)
    {
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://{RegistryAddress}");
        var reply = await new RegistryApi.RegistryClient(channel).ListInstancesAsync(new ListInstancesRequest { Service = service });
        return reply.Instances;
    }

    /// <summary>Starts a gRPC app registered as <paramref name="service"/>; its Sum answers with its port.</summary>
    public Task<OwnApp> StartGrpcAppAsync(string service, HealthSwitch? health = null) =>
        StartAppAsync(service, health, HttpProtocols.Http2, builder => builder.Services.AddGrpc(), app => app.MapGrpcService<PortEchoService>());

    /// <summary>Starts a minimal-API app registered as <paramref name="service"/>; GET /whoami answers with its port.</summary>
    public Task<OwnApp> StartHttpAppAsync(string service, HealthSwitch? health = null) =>
        StartAppAsync(service, health, HttpProtocols.Http1, _ => { }, app => app.MapGet("/whoami", (HttpContext context) => context.Connection.LocalPort.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private async Task<OwnApp> StartAppAsync(string service, HealthSwitch? health, HttpProtocols protocols, Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen =>
            listen.Protocols = protocols));
        configure(builder);
        if (health is not null)
        {
            builder.Services.AddHealthChecks().AddCheck("switch", () => health.Healthy ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("switched off"));
        }

        builder.Services.AddRoundaboutRegistration(service, options =>
        {
            options.UseRegistries(RegistryAddress);
            options.HealthCheckInterval = TimeSpan.FromMilliseconds(100);
            options.Metadata["team"] = "tests";
        });
        var app = builder.Build();
        map(app);
        await app.StartAsync().DefaultTimeout();
        _apps.Add(app);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var port = new Uri(address).Port;
        return new OwnApp(app, $"127.0.0.1:{port}", port);
    }

    public async Task StopAsync(OwnApp app)
    {
        _apps.Remove(app.App);
        await app.App.StopAsync().DefaultTimeout();
        await app.App.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _apps.Count - 1; i >= 0; i--)
        {
            await _apps[i].StopAsync(new CancellationToken(true));
            await _apps[i].DisposeAsync();
        }
    }
}

public sealed record OwnApp(WebApplication App, string Address, int Port);

/// <summary>A health check a test turns on and off.</summary>
public sealed class HealthSwitch
{
    private volatile bool _healthy = true;

    public bool Healthy
    {
        get => _healthy;
        set => _healthy = value;
    }
}

/// <summary>An "orders" service of our own: Where answers with the port that served it.</summary>
internal sealed class PortEchoService : Orders.Orders.OrdersBase
{
    public override Task<Orders.WhereReply> Where(Orders.WhereRequest request, ServerCallContext context) =>
        Task.FromResult(new Orders.WhereReply { Port = context.GetHttpContext().Connection.LocalPort });
}
