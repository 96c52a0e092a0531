namespace Roundabout.EndToEnd.Tests;

/// <summary>
/// The registry, the database and a server as real processes with --metrics-port: after real
/// traffic (client processes, a killed server), each one's /metrics holds its documented
/// instruments with non-zero values, and the metrics port serves nothing else.
/// </summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class MetricsProcessTests
{
    private static readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };

    [Fact]
    public async Task EveryComponent_AfterTraffic_ServesItsDocumentedInstrumentsWithNonZeroValues()
    {
        await using var cluster = new ProcessCluster { ComponentArgs = ["--metrics-port", "0"] };
        await cluster.StartRegistryAsync();
        await cluster.StartDatabaseAsync(durable: true);
        var (server, serverPort) = await cluster.StartServerAsync();
        var (doomed, doomedPort) = await cluster.StartServerAsync();
        var registryMetrics = await MetricsUrlAsync(cluster.RegistryProcess, "Registry");
        var databaseMetrics = await MetricsUrlAsync(cluster.DatabaseProcess, "Database");
        var serverMetrics = await MetricsUrlAsync(server, "Server");

        // The server advertises its metrics endpoint in the registry, for dashboards.
        var (listed, servers) = await ProcessCluster.RunAsync("servers", "--json", "--registry", cluster.RegistryAddress);
        Assert.Equal(0, listed);
        Assert.Contains("\"metrics\"", servers, StringComparison.Ordinal);
        Assert.Contains($"\"localhost:{new Uri(serverMetrics).Port}\"", servers, StringComparison.Ordinal);

        // Traffic: a Sum and two Multiplies through the real client, then a server killed and evicted.
        doomed.Kill();
        await cluster.RegistryProcess.WaitForLineAsync($@"Server evicted \(missed heartbeats\): localhost:{doomedPort}$", TimeSpan.FromSeconds(60));
        foreach (var args in new[] { new[] { "sum", "2", "3" }, ["multiply", "3"], ["multiply", "5"] })
        {
            var (code, output) = await ProcessCluster.RunAsync([.. args, "--registry", cluster.RegistryAddress]);
            Assert.True(code == 0, $"{string.Join(' ', args)} failed: {output}");
            Assert.Contains($"localhost:{serverPort}", output, StringComparison.Ordinal);
        }

        await Eventually.UntilAsync(async () =>
        {
            var text = await _http.GetStringAsync(registryMetrics);
            return Positive(text, "roundabout_registry_members", "roundabout_service=\"calculator\"")
                && Positive(text, "roundabout_registry_registrations_total", "roundabout_service=\"calculator\"")
                && Positive(text, "roundabout_registry_evictions_total", "roundabout_service=\"calculator\"")
                && PrometheusText.Sum(text, "roundabout_registry_suspect_instances", "roundabout_service=\"calculator\"") is not null
                && Positive(text, "http_server_request_duration_seconds_count", "http_route=\"/roundabout.registry.v1.Registry/Register\"", "rpc_grpc_status_code=\"0\"")
                && Positive(text, "http_server_request_duration_seconds_bucket", "http_route=\"/roundabout.registry.v1.Registry/Renew\"");
        }, "the registry's metrics show members, registrations, an eviction and its requests", TimeSpan.FromSeconds(60));

        var database = await _http.GetStringAsync(databaseMetrics);
        Assert.True(Positive(database, "roundabout_database_commits_total"), database);
        Assert.True(Positive(database, "roundabout_database_fsync_duration_seconds_count"), database);
        Assert.True(Positive(database, "roundabout_database_fsync_duration_seconds_sum"), database);
        Assert.True(Positive(database, "roundabout_database_commit_batch_size_sum"), database);
        Assert.True(Positive(database, "http_server_request_duration_seconds_count", "http_route=\"/roundabout.database.v1.Database/Txn\"", "rpc_grpc_status_code=\"0\""), database);

        var calculator = await _http.GetStringAsync(serverMetrics);
        Assert.Equal(2, PrometheusText.Sum(calculator, "roundabout_server_multiply_batch_size_count"));
        Assert.Equal(1, PrometheusText.Sum(calculator, "http_server_request_duration_seconds_count", "http_route=\"/roundabout.calculator.v1.Calculator/Sum\"", "rpc_grpc_status_code=\"0\""));
        Assert.Equal(2, PrometheusText.Sum(calculator, "http_server_request_duration_seconds_count", "http_route=\"/roundabout.calculator.v1.Calculator/Multiply\"", "rpc_grpc_status_code=\"0\""));
        Assert.True(Positive(calculator, "http_server_request_duration_seconds_sum", "http_route=\"/roundabout.calculator.v1.Calculator/Multiply\""), calculator);
        // The server's own calls to the database, timed by the HTTP client under its gRPC channel.
        Assert.True(Positive(calculator, "http_client_request_duration_seconds_count", $"server_port=\"{cluster.DatabasePort}\""), calculator);
    }

    [Fact]
    public async Task MetricsPort_ServesOnlyMetrics_AndTheGrpcPortStillRefusesHttp1()
    {
        await using var cluster = new ProcessCluster { ComponentArgs = ["--metrics-port", "0"] };
        await cluster.StartRegistryAsync();
        var metrics = new Uri(await MetricsUrlAsync(cluster.RegistryProcess, "Registry"));

        using var scrape = await _http.GetAsync(metrics);
        Assert.Equal(System.Net.HttpStatusCode.OK, scrape.StatusCode);
        Assert.StartsWith("text/plain", scrape.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);

        // No gRPC service (nor anything else) is reachable through the metrics port...
        using var other = await _http.PostAsync(new Uri(metrics, "/roundabout.registry.v1.Registry/ListInstances"), new ByteArrayContent([]));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, other.StatusCode);

        // ...and the gRPC port still speaks HTTP/2 only: an HTTP/1.1 scrape there gets no metrics.
        var onGrpcPort = await Record.ExceptionAsync(async () =>
        {
            using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{cluster.RegistryPort}/metrics"));
            response.EnsureSuccessStatusCode();
        });
        Assert.NotNull(onGrpcPort);
    }

    private static bool Positive(string text, string name, params string[] labels) => PrometheusText.Sum(text, name, labels) > 0;

    private static async Task<string> MetricsUrlAsync(CliProcess process, string tag)
    {
        var match = await process.WaitForLineAsync(ProcessCluster.Stamp + $@"\[{tag}\] Metrics at (?<url>http://127\.0\.0\.1:\d+/metrics)$", TimeSpan.FromSeconds(60));
        return match.Groups["url"].Value;
    }
}
