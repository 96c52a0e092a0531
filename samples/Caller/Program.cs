// Calls the two sample services through Roundabout, by name only:
//   gRPC: roundabout:///orders   (Roundabout.Client: registry watch, round-robin, ejection)
//   HTTP: http://inventory       (.NET service discovery with Roundabout.ServiceDiscovery)
// Run: dotnet run --project samples/Caller -- --duration 30
// Options (configuration keys): --Roundabout:Registries host:port (default 127.0.0.1:8000),
// --duration seconds (default 10), --workers N (default 4).
// It prints a progress line every second and ends with one result line; exit code 1 when any call failed.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Grpc.Core;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Samples.Orders;

var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
var registries = configuration["Roundabout:Registries"] ?? "127.0.0.1:8000";
var duration = TimeSpan.FromSeconds(double.Parse(configuration["duration"] ?? "10", CultureInfo.InvariantCulture));
var workers = int.Parse(configuration["workers"] ?? "4", CultureInfo.InvariantCulture);

var services = new ServiceCollection();
services.AddSingleton<IConfiguration>(configuration);

// gRPC through the registry. Place is safe to send again (the caller picks the order id), so a
// call that an instance's death cut off is retried, on another instance.
services.AddRoundaboutDiscovery(options => options.UseRegistries(registries));
services.AddGrpcClient<Orders.OrdersClient>(options => options.Address = new Uri("roundabout:///orders"))
    .ConfigureChannel(channel =>
    {
        channel.Credentials = ChannelCredentials.Insecure;
        channel.ServiceConfig = new ServiceConfig
        {
            MethodConfigs =
            {
                new MethodConfig
                {
                    Names = { MethodName.Default },
                    RetryPolicy = new RetryPolicy
                    {
                        MaxAttempts = 5,
                        InitialBackoff = TimeSpan.FromMilliseconds(50),
                        MaxBackoff = TimeSpan.FromSeconds(1),
                        BackoffMultiplier = 2,
                        RetryableStatusCodes = { StatusCode.Unavailable },
                    },
                },
            },
        };
    });

// HTTP through .NET service discovery. The standard resilience handler comes first (outside),
// so each retry of a refused connection passes through service discovery again. Discovery's
// round-robin is shared by every caller, so a retry lands on whichever instance is next for all of
// them, the dead one included, until the registry drops it (one lease, 3 s by default). The retries
// therefore last longer than a lease: ten of them, 50 ms doubling to at most 500 ms, about 4 s.
services.AddServiceDiscovery();
services.AddRoundaboutServiceEndpointProvider();
var inventoryClient = services.AddHttpClient("inventory", client => client.BaseAddress = new Uri("http://inventory"));
inventoryClient.AddStandardResilienceHandler(options =>
{
    options.Retry.Delay = TimeSpan.FromMilliseconds(50);
    options.Retry.MaxDelay = TimeSpan.FromMilliseconds(500);
    options.Retry.MaxRetryAttempts = 10;
    // The breaker counts every attempt of every instance together: one dead instance of three
    // fails a third of them until the registry drops it, which must not stop calls to the others.
    options.CircuitBreaker.FailureRatio = 0.9;
});
inventoryClient.AddServiceDiscovery();

await using var provider = services.BuildServiceProvider();
var orders = provider.GetRequiredService<Orders.OrdersClient>();
var inventory = provider.GetRequiredService<IHttpClientFactory>().CreateClient("inventory");

var counts = new Counts();
var stop = Stopwatch.StartNew();
var progress = Task.Run(async () =>
{
    while (stop.Elapsed < duration)
    {
        await Task.Delay(1000);
        Console.WriteLine($"progress {counts}");
    }
});

await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
{
    for (var i = 0; stop.Elapsed < duration; i++)
    {
        try
        {
            var reply = await orders.PlaceAsync(
                new PlaceRequest { OrderId = $"{worker}-{i}", Item = "tea", Quantity = 1 },
                deadline: DateTime.UtcNow.AddSeconds(10));
            counts.Ok("grpc", reply.Instance);
        }
        catch (RpcException ex)
        {
            counts.Failed("grpc", $"{ex.StatusCode}: {ex.Status.Detail}");
        }

        try
        {
            var stock = await inventory.GetFromJsonAsync<Stock>("/stock/tea");
            counts.Ok("http", stock!.Instance);
        }
        catch (Exception ex)
        {
            counts.Failed("http", ex.Message);
        }
    }
})));
await progress;

foreach (var (instance, calls) in counts.PerInstance.OrderBy(p => p.Key, StringComparer.Ordinal))
{
    Console.WriteLine($"instance {instance} calls={calls}");
}

Console.WriteLine($"result {counts}");
return counts.AnyFailed ? 1 : 0;

internal sealed record Stock(string Item, int Count, string Instance);

internal sealed class Counts
{
    private long _grpcOk, _grpcFailed, _httpOk, _httpFailed;

    public ConcurrentDictionary<string, long> PerInstance { get; } = new(StringComparer.Ordinal);

    public bool AnyFailed => Interlocked.Read(ref _grpcFailed) + Interlocked.Read(ref _httpFailed) > 0;

    public void Ok(string path, string instance)
    {
        Interlocked.Increment(ref path == "grpc" ? ref _grpcOk : ref _httpOk);
        PerInstance.AddOrUpdate($"{path} {instance}", 1, (_, n) => n + 1);
    }

    public void Failed(string path, string reason)
    {
        Interlocked.Increment(ref path == "grpc" ? ref _grpcFailed : ref _httpFailed);
        Console.WriteLine($"failed {path}: {reason}");
    }

    public override string ToString() =>
        $"grpc ok={Interlocked.Read(ref _grpcOk)} failed={Interlocked.Read(ref _grpcFailed)} " +
        $"http ok={Interlocked.Read(ref _httpOk)} failed={Interlocked.Read(ref _httpFailed)}";
}
