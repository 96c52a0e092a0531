using System.Text.Json;

namespace Roundabout.EndToEnd.Tests;

/// <summary>
/// Servers that keep the accumulators in Redis say so in their registry metadata, and the
/// dashboard, which does not dial Redis, reads the named accumulators through a server.
/// </summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class DashboardStoreTests
{
    [Fact]
    public async Task ServersOnRedis_AdvertiseTheirStore_AndTheDashboardReadsTheAccumulatorThroughAServer()
    {
        await using var cluster = new ProcessCluster();
        await cluster.StartRegistryAsync();
        using var redis = RedisProcess.Start();
        var store = $"redis://127.0.0.1:{redis.Port}";
        var server = cluster.Track(CliProcess.Start("server", "--port", "0", "--registry", cluster.RegistryAddress, "--store", store));
        var serverPort = await server.WaitForPortAsync(LogLines.ServerRunning);
        var dashboard = cluster.Track(CliProcess.Start("dashboard", "--port", "0", "--registry", cluster.RegistryAddress, "--accumulator", "dash-redis"));
        var dashboardPort = await dashboard.WaitForPortAsync(@"Dashboard running on http://127\.0\.0\.1:(?<port>\d+)/");

        var multiply = await ProcessCluster.RunAsync("multiply", "7", "--name", "dash-redis", "--registry", cluster.RegistryAddress);
        Assert.True(multiply.ExitCode == 0, multiply.Output);
        var servers = await ProcessCluster.RunAsync("servers", "--json", "--registry", cluster.RegistryAddress);
        Assert.Contains($"\"store\":\"{store}\"", servers.Output, StringComparison.Ordinal);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        JsonElement accumulators = default;
        await Eventually.UntilAsync(
            async () =>
            {
                using var state = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{dashboardPort}/api/state")));
                accumulators = state.RootElement.GetProperty("accumulators").Clone();
                return accumulators.GetProperty("reachable").GetBoolean()
                    && accumulators.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("name").GetString() == "dash-redis" && i.GetProperty("value").GetString() == "7");
            },
            "the dashboard shows dash-redis = 7, read through the server",
            TimeSpan.FromSeconds(30));

        Assert.Equal($"Redis at 127.0.0.1:{redis.Port}, through the server at localhost:{serverPort}", accumulators.GetProperty("source").GetString());
        Assert.False(accumulators.GetProperty("listed").GetBoolean());
    }
}
