using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Roundabout.Contracts;
using Roundabout.Contracts.Registry.V1;
using Roundabout.Hosting;

namespace Roundabout.Dashboard.Tests;

/// <summary>
/// Registry metadata is data, not instructions: an instance anyone can register cannot make the
/// dashboard fetch another host's URL, nor switch where it reads the accumulators.
/// </summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class RegistryMetadataTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;
    private WebApplication _dashboard = null!;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public async Task InitializeAsync()
    {
        _cluster = await InProcessCluster.StartAsync(servers: 1);
        _dashboard = DashboardHost.Build(new DashboardOptions
        {
            Port = 0,
            Registries = [EndpointAddress.Parse(_cluster.RegistryAddress)],
            Database = new EndpointAddress("127.0.0.1", _cluster.DatabaseDirectPort),
            Log = new LogSettings(Minimum: LogLevel.Warning),
        });
        await _dashboard.StartAsync().DefaultTimeout();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _dashboard.StopAsync(new CancellationToken(true)).WaitAsync(TimeSpan.FromSeconds(15));
        await _dashboard.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task MetricsOnAnotherHost_IsShownAndMarked_AndTheOtherHostReceivesNothing()
    {
        using var elsewhere = new TcpListener(OtherLoopback.Second, 0);
        elsewhere.Start();
        var connections = 0;
        _ = Task.Run(async () =>
        {
            while (true)
            {
                using var socket = await elsewhere.AcceptSocketAsync();
                Interlocked.Increment(ref connections);
            }
        });
        var endpoint = $"127.0.0.2:{((IPEndPoint)elsewhere.LocalEndpoint).Port}";
        var fake = await RegisterAsync("127.0.0.1:1", MetadataKeys.Metrics, endpoint);

        // Two sample rounds after the member's traffic is first shown: time enough to have fetched.
        JsonElement traffic = default;
        await Eventually.UntilAsync(async () => (traffic = (await MemberAsync(fake)).GetProperty("traffic")).GetProperty("endpoint").ValueKind == JsonValueKind.String, "the fake member's metrics are shown");
        var version = await VersionAsync();
        await Eventually.UntilAsync(async () => await VersionAsync() > version + 2, "two more changes of the page");

        Assert.Equal(0, Volatile.Read(ref connections));
        Assert.Equal($"http://{endpoint}/metrics", traffic.GetProperty("endpoint").GetString());
        Assert.StartsWith("not followed", traffic.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneInstanceNamingAnotherStore_DoesNotSwitchTheAccumulatorsPanel()
    {
        await Eventually.UntilAsync(async () => (await StateAsync()).GetProperty("accumulators").GetProperty("reachable").GetBoolean(), "the accumulators are read");
        var fake = await RegisterAsync("127.0.0.1:1", MetadataKeys.Store, "redis://evil.example:80");
        await MemberAsync(fake);
        var listedAt = (await StateAsync()).GetProperty("now").GetDateTimeOffset();

        JsonElement accumulators = default;
        await Eventually.UntilAsync(
            async () => (accumulators = (await StateAsync()).GetProperty("accumulators")).GetProperty("readAt").GetDateTimeOffset() > listedAt.AddSeconds(1),
            "the accumulators are read again after the fake instance is listed");

        var source = accumulators.GetProperty("source").GetString()!;
        Assert.StartsWith($"the database at 127.0.0.1:{_cluster.DatabaseDirectPort}", source, StringComparison.Ordinal);
        Assert.Contains("not followed: Redis at evil.example:80", source, StringComparison.Ordinal);
        Assert.True(accumulators.GetProperty("reachable").GetBoolean());
    }

    private async Task<string> RegisterAsync(string address, string key, string value)
    {
        var request = new RegisterRequest { Address = address };
        request.Metadata[key] = value;
        await _cluster.Registry.RegisterAsync(request).ResponseAsync.DefaultTimeout();
        _ = RenewForeverAsync(address, request);
        return address;
    }

    /// <summary>Registers again each second, so the instance stays listed for the whole test.</summary>
    private async Task RenewForeverAsync(string address, RegisterRequest request)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                await _cluster.Registry.RegisterAsync(request).ResponseAsync;
            }
        }
        catch (Exception ex) when (ex is Grpc.Core.RpcException or ObjectDisposedException or InvalidOperationException)
        {
            // The cluster is gone: the test is over.
        }
    }

    private async Task<JsonElement> MemberAsync(string address)
    {
        JsonElement member = default;
        await Eventually.UntilAsync(
            async () => (await StateAsync()).GetProperty("members").EnumerateArray().Where(m => m.GetProperty("address").GetString() == address).Select(m => member = m).Any(),
            $"{address} is listed");
        return member;
    }

    private async Task<long> VersionAsync() => (await StateAsync()).GetProperty("version").GetInt64();

    private async Task<JsonElement> StateAsync()
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync(new Uri(DashboardHost.Url(_dashboard) + "api/state")).DefaultTimeout());
        return json.RootElement.Clone();
    }
}
