using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Roundabout.Hosting;
using RegistryClient = Roundabout.Contracts.Registry.V1.Registry.RegistryClient;

namespace Roundabout.Registry.Tests.Grpc;

/// <summary>A real registry host on 127.0.0.1 with a free port, and clients for it.</summary>
internal sealed class RunningRegistry : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<GrpcChannel> _channels = [];

    private RunningRegistry(WebApplication app, int port)
    {
        _app = app;
        Port = port;
        Client = CreateClient();
    }

    public int Port { get; }

    public RegistryClient Client { get; }

    public static async Task<RunningRegistry> StartAsync(RegistryHostOptions? options = null)
    {
        options ??= new RegistryHostOptions();
        var app = RegistryHost.Build(new RegistryHostOptions
        {
            Port = 0,
            Ttl = options.Ttl,
            RenewInterval = options.RenewInterval,
            Token = options.Token,
            WatchBufferCapacity = options.WatchBufferCapacity,
            MaxRegistrationsPerSecond = options.MaxRegistrationsPerSecond,
            RegistrationBurst = options.RegistrationBurst,
        });
        await app.StartAsync().DefaultTimeout();
        return new RunningRegistry(app, app.GetBoundPort());
    }

    public RegistryClient CreateClient()
    {
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{Port}");
        _channels.Add(channel);
        return new RegistryClient(channel);
    }

    public static Metadata Bearer(string token) => new() { { "authorization", $"Bearer {token}" } };

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        await _app.StopAsync().DefaultTimeout();
        await _app.DisposeAsync();
    }
}
