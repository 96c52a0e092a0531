using System.Text.Json;
using Roundabout.Testing.Fakes;

namespace Roundabout.Cli.Tests;

/// <summary>The real executable against in-test servers.</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class CliTests
{
    [Fact]
    public async Task Sum_Json_PrintsResultAndServerAsStrings()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 1);
        await using var cli = CliProcess.Start("sum", "2", "3", "--json", "--registry", cluster.RegistryAddress);

        Assert.Equal(0, await cli.WaitForExitAsync());
        Assert.Equal($$"""{"result":"5","server":"{{cluster.Servers[0].Address}}"}""", cli.Lines.Single());
    }

    [Fact]
    public async Task Sum_BadNumber_MessageAndNonZeroExitWithoutAStackTrace()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 1);
        await using var cli = CliProcess.Start("sum", "two", "3", "--registry", cluster.RegistryAddress);

        Assert.NotEqual(0, await cli.WaitForExitAsync());
        Assert.Equal("Error: A: 'two' is not a whole number; use digits only, for example 42 or -7.", cli.Lines.Single());
    }

    [Fact]
    public async Task Multiply_Accumulator_Reset_WorkOnANamedAccumulator()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 1);
        var registry = cluster.RegistryAddress;

        Assert.Equal("6", await JsonResultAsync("multiply", "6", "--name", "cli", "--json", "--registry", registry));
        Assert.Equal("42", await JsonResultAsync("multiply", "7", "--name", "cli", "--json", "--registry", registry));
        Assert.Equal("42", await JsonResultAsync("accumulator", "--name", "cli", "--json", "--registry", registry));
        Assert.Equal("1", await JsonResultAsync("reset", "--name", "cli", "--json", "--registry", registry));
    }

    [Fact]
    public async Task Servers_Json_ListsAddressRenewalAndSuspect()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 2);
        await using var cli = CliProcess.Start("servers", "--json", "--registry", cluster.RegistryAddress);

        Assert.Equal(0, await cli.WaitForExitAsync());
        var json = JsonDocument.Parse(cli.Lines.Single()).RootElement;
        Assert.Equal(cluster.Servers.Select(s => s.Address), json.EnumerateArray().Select(e => e.GetProperty("address").GetString()));
        Assert.All(json.EnumerateArray(), e =>
        {
            Assert.Equal(JsonValueKind.String, e.GetProperty("last_renewed_at").ValueKind);
            Assert.False(e.GetProperty("suspect").GetBoolean());
        });
    }

    [Fact]
    public async Task Servers_ServiceAndAllServices_ListAnotherServiceAndEveryName()
    {
        await using var cluster = await InProcessCluster.StartAsync(servers: 1);
        var lease = await cluster.Registry.RegisterAsync(new Roundabout.Contracts.Registry.V1.RegisterRequest { Service = "orders", Address = "127.0.0.1:5101", Metadata = { ["team"] = "shop" } });
        // Renewed while the commands run, as an app of its own would.
        using var stop = new CancellationTokenSource();
        var renewing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await cluster.Registry.RenewAsync(new Roundabout.Contracts.Registry.V1.RenewRequest { LeaseId = lease.LeaseId });
                await Task.Delay(lease.RenewInterval.ToTimeSpan(), stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });

        await using var one = CliProcess.Start("servers", "--service", "orders", "--json", "--registry", cluster.RegistryAddress);
        Assert.Equal(0, await one.WaitForExitAsync());
        var orders = JsonDocument.Parse(one.Lines.Single()).RootElement;
        Assert.Equal("127.0.0.1:5101", Assert.Single(orders.EnumerateArray()).GetProperty("address").GetString());

        await using var all = CliProcess.Start("servers", "--all-services", "--json", "--registry", cluster.RegistryAddress);
        Assert.Equal(0, await all.WaitForExitAsync());
        var services = JsonDocument.Parse(all.Lines.Single()).RootElement.EnumerateArray()
            .Select(e => (e.GetProperty("name").GetString(), e.GetProperty("instances").GetInt32(), e.GetProperty("suspect").GetInt32()))
            .ToList();
        Assert.Equal([("calculator", 1, 0), ("orders", 1, 0)], services);

        await using var table = CliProcess.Start("servers", "--all-services", "--registry", cluster.RegistryAddress);
        Assert.Equal(0, await table.WaitForExitAsync());
        Assert.Equal(["SERVICE    INSTANCES SUSPECT", "calculator         1       0", "orders             1       0"], table.Lines);
        await stop.CancelAsync();
        await renewing;
    }

    [Theory]
    [InlineData("--all-services --watch", "--all-services and --watch cannot be combined")]
    [InlineData("--all-services --service orders", "--all-services and --service cannot be combined")]
    [InlineData("--service a/b", "--service 'a/b' is not a service name")]
    public async Task Servers_BadServiceOptions_AreRefusedWithAMessage(string options, string message)
    {
        await using var cli = CliProcess.Start(["servers", .. options.Split(' '), "--registry", "127.0.0.1:1"], environment: null);

        Assert.NotEqual(0, await cli.WaitForExitAsync());
        Assert.Contains(message, cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Servers_UnknownService_SaysHowToFindTheNames()
    {
        await using var cluster = await InProcessCluster.StartAsync(servers: 1);
        await using var cli = CliProcess.Start("servers", "--service", "payments", "--registry", cluster.RegistryAddress);

        Assert.Equal(0, await cli.WaitForExitAsync());
        Assert.Equal("No instances of 'payments' are registered. 'roundabout servers --all-services' lists the names the registry holds.", cli.Lines.Single());
    }

    [Fact]
    public async Task Servers_Watch_PrintsTheListAgainWhenAServerJoins()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 1);
        await using var cli = CliProcess.Start("servers", "--watch", "--json", "--registry", cluster.RegistryAddress);
        await cli.WaitForLineAsync(cluster.Servers[0].Address);

        var newcomer = await cluster.StartServerAsync();

        await cli.WaitForLineAsync(newcomer.Address.Replace(".", @"\.", StringComparison.Ordinal));
        var last = JsonDocument.Parse(cli.Lines.Last(l => l.StartsWith('['))).RootElement;
        Assert.Equal(2, last.GetArrayLength());
    }

    [Fact]
    public async Task Sum_NoRegistry_SaysHowToStartOne()
    {
        await using var cli = CliProcess.Start("sum", "2", "3", "--registry", "127.0.0.1:1", "--deadline", "2s");

        Assert.Equal(1, await cli.WaitForExitAsync());
        Assert.StartsWith("Error: Cannot reach the registry at 127.0.0.1:1", cli.Lines[^1], StringComparison.Ordinal);
        Assert.DoesNotContain(cli.Lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Client_PipedStdin_ShowsTheMenuAndExitsWithZeroAtEndOfInput()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 1);
        await using var cli = CliProcess.Start("client", "--registry", cluster.RegistryAddress);
        await cli.WriteLineAsync("1");
        await cli.WriteLineAsync("40");
        await cli.WriteLineAsync("2");
        cli.CloseInput();

        Assert.Equal(0, await cli.WaitForExitAsync());
        Assert.Contains("--- Client MENU ---", cli.Lines);
        Assert.Contains(cli.Lines, l => l.EndsWith($"[Client] Result: 42 (computed by server {cluster.Servers[0].Address})", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bench_Json_HasTheDocumentedShape()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 2);
        await using var cli = CliProcess.Start("bench", "--op", "sum", "--concurrency", "4", "--requests", "200", "--json", "--registry", cluster.RegistryAddress);

        Assert.Equal(0, await cli.WaitForExitAsync());
        var json = JsonDocument.Parse(cli.Lines.Single()).RootElement;
        Assert.Equal(200, json.GetProperty("requests").GetInt64());
        Assert.Equal(0, json.GetProperty("errors").GetInt64());
        Assert.True(json.GetProperty("rps").GetDouble() > 0);
        // Real calls take time, and the percentiles are in order: p50 <= p90 <= p99 <= max, within the run's wall time.
        var latency = new[] { "p50", "p90", "p99", "max" }.Select(name => json.GetProperty("latency_ms").GetProperty(name).GetDouble()).ToArray();
        Assert.True(latency[0] > 0, $"p50 is {latency[0]} ms");
        Assert.Equal(latency.Order(), latency);
        Assert.True(latency[^1] < 60_000, $"max is {latency[^1]} ms");

        Assert.Equal(200, json.GetProperty("servers").EnumerateObject().Sum(p => p.Value.GetInt64()));
    }

    [Fact]
    public async Task Bench_WithoutDurationOrRequests_IsRefused()
    {
        await using var cli = CliProcess.Start("bench", "--op", "sum");

        Assert.NotEqual(0, await cli.WaitForExitAsync());
        Assert.Contains(cli.Lines, l => l.Contains("Give either --duration", StringComparison.Ordinal));
    }

    private static async Task<string?> JsonResultAsync(params string[] args)
    {
        await using var cli = CliProcess.Start(args);
        Assert.Equal(0, await cli.WaitForExitAsync());
        return JsonDocument.Parse(cli.Lines.Single()).RootElement.GetProperty("result").GetString();
    }
}
