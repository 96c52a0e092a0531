using BenchmarkDotNet.Attributes;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Roundabout.Client;
using Roundabout.Contracts;
using Roundabout.Contracts.Calculator.V1;
using Roundabout.Database;
using Roundabout.Hosting;
using Roundabout.Registry;
using Roundabout.Server;

namespace Roundabout.Bench.Micro;

/// <summary>
/// One unary call over loopback: a bare gRPC Sum on a plain channel (the baseline) against the same
/// Sum through <see cref="RoundaboutClient"/> (resolver, balancer, call tracker, deadline and
/// failover loop), the same Sum on a plain generated client over a <c>roundabout:///calculator</c>
/// channel from <see cref="RoundaboutDiscovery"/> (the path an application's own service takes),
/// and a Multiply through the client (a compare-and-swap on the in-memory database).
/// The registry, database and one server run in this process on 127.0.0.1 and free ports; the
/// server and registry log nothing, so the figures are the call path and not the console.
/// </summary>
[MemoryDiagnoser]
public class CallPathBenchmarks
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly List<WebApplication> _apps = [];
    private readonly string _accumulator = "bench-micro-" + Guid.NewGuid().ToString("N");
    private GrpcChannel _channel = null!;
    private Calculator.CalculatorClient _bare = null!;
    private RoundaboutClient _client = null!;
    private RoundaboutDiscovery _discovery = null!;
    private GrpcChannel _discoveryChannel = null!;
    private Calculator.CalculatorClient _viaDiscovery = null!;

    [GlobalSetup]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var registry = RegistryHost.Build(new RegistryHostOptions { Port = 0 }, Quiet);
        var registryPort = await StartAsync(registry, timeout.Token);

        var databasePort = await StartAsync(DatabaseHost.Build(new DatabaseHostOptions { Port = 0, InMemory = true }), timeout.Token);

        var server = ServerHost.Build(
            new ServerHostOptions
            {
                Port = 0,
                AdvertiseHost = "127.0.0.1",
                Registry = [new EndpointAddress("127.0.0.1", registryPort)],
                Database = new EndpointAddress("127.0.0.1", databasePort),
            },
            Quiet);
        var serverPort = await StartAsync(server, timeout.Token);

        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{serverPort}");
        _bare = new Calculator.CalculatorClient(_channel);
        _client = RoundaboutClient.Create(new RoundaboutClientOptions { Registries = [new EndpointAddress("127.0.0.1", registryPort)] });

        // The server registers itself once it has started; the client fetches the list once, so wait for it first.
        while ((await _client.ListServersAsync(timeout.Token)).Count == 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), timeout.Token);
        }

        await _client.StartAsync(timeout.Token);
        await _client.SumAsync("1", "2", timeout.Token);
        _discovery = new RoundaboutDiscovery(new RoundaboutDiscoveryOptions().UseRegistries($"127.0.0.1:{registryPort}"));
        _discoveryChannel = _discovery.CreateChannel(ServiceNames.Calculator);
        _viaDiscovery = new Calculator.CalculatorClient(_discoveryChannel);
        await _viaDiscovery.SumAsync(new SumRequest { A = "1", B = "2" }, cancellationToken: timeout.Token);
        await _bare.SumAsync(new SumRequest { A = "1", B = "2" }, cancellationToken: timeout.Token);
    }

    [GlobalCleanup]
    public async Task StopAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        _channel?.Dispose();
        _discoveryChannel?.Dispose();
        _discovery?.Dispose();
        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.StopAsync().WaitAsync(StartTimeout);
            await app.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true)]
    public async Task<string> BareGrpcSum() =>
        (await _bare.SumAsync(new SumRequest { A = "12345", B = "67890" })).Result;

    [Benchmark]
    public async Task<string> RoundaboutClientSum() =>
        (await _client.SumAsync("12345", "67890")).Result;

    [Benchmark]
    public async Task<string> DiscoveryChannelSum() =>
        (await _viaDiscovery.SumAsync(new SumRequest { A = "12345", B = "67890" })).Result;

    /// <summary>Factor 1 keeps the accumulator's value fixed, so it never reaches the cap however long the run.</summary>
    [Benchmark]
    public async Task<string> RoundaboutClientMultiply() =>
        (await _client.MultiplyAsync("1", _accumulator)).Result;

    private static void Quiet(IServiceCollection services) =>
        services.AddLogging(logging => logging.ClearProviders());

    private async Task<int> StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        _apps.Add(app);
        await app.StartAsync(cancellationToken);
        return app.GetBoundPort();
    }
}
