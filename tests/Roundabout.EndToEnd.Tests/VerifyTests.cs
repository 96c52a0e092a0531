using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Net.Client;
using Roundabout.Contracts.Calculator.V1;

namespace Roundabout.EndToEnd.Tests;

/// <summary>`roundabout verify` as a learner runs it: against safe servers it holds, even with a server killed; against racy ones it shows lost updates.</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class VerifyTests
{
    [Fact]
    public async Task Verify_NormalServers_OneKilledMidRun_ReportsNoAnomalyAndExitsZero()
    {
        await using var cluster = await ProcessCluster.StartAsync(servers: 3, durable: true);
        var name = "v" + Guid.NewGuid().ToString("N")[..10];
        var verify = cluster.Track(CliProcess.Start("verify", "--registry", cluster.RegistryAddress, "--name", name, "--count", "250", "--concurrency", "8", "--json"));

        // Once multiplies are landing, kill one server with SIGKILL.
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{cluster.Servers[1].Port}");
        var calculator = new Calculator.CalculatorClient(channel);
        await Eventually.UntilAsync(
            async () => (await calculator.GetAccumulatorAsync(new GetAccumulatorRequest { Name = name }).ResponseAsync).Value.Length > 6,
            "the verify run has applied some multiplies");
        cluster.Servers[0].Process.Kill();

        Assert.Equal(0, await verify.WaitForExitAsync());
        Assert.Contains("\"consistent\":true", verify.Output, StringComparison.Ordinal);
        Assert.Contains("\"lost\":0,\"doubled\":0", verify.Output, StringComparison.Ordinal);
        var acknowledged = int.Parse(Regex.Match(verify.Output, "\"acknowledged\":(\\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(acknowledged, 240, 250);
    }

    [Fact]
    public async Task Verify_UnsafeMultiplyServers_ReportsLostUpdates_KeepsTheHistory_AndExitsOne()
    {
        await using var cluster = await ProcessCluster.StartAsync(servers: 0, durable: false);
        foreach (var _ in Enumerable.Range(0, 2))
        {
            var server = cluster.Track(CliProcess.Start("server", "--port", "0", "--registry", cluster.RegistryAddress, "--database", $"localhost:{cluster.DatabasePort}", "--unsafe-multiply"));
            await server.WaitForLineAsync("UNSAFE MULTIPLY");
            await server.WaitForLineAsync("Waiting for requests");
        }

        var directory = Directory.CreateTempSubdirectory("roundabout-verify-").FullName;
        try
        {
            var history = Path.Combine(directory, "history.jsonl");
            var verify = cluster.Track(CliProcess.Start("verify", "--registry", cluster.RegistryAddress, "--count", "200", "--concurrency", "16", "--history", history));

            Assert.Equal(1, await verify.WaitForExitAsync());
            Assert.Matches(@"lost [1-9]\d*, doubled", verify.Output);
            Assert.Contains("[Verify] FAILED", verify.Output, StringComparison.Ordinal);
            Assert.Equal(200, File.ReadAllLines(history).Length);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task VerifyChaos_KillsAndPausesItsOwnCluster_PrintsEachFault_AndHolds()
    {
        var (exit, output) = await ProcessCluster.RunAsync("verify", "--chaos", "--seed", "7", "--count", "80", "--duration", "6s", "--deadline", "20s", "--json");

        Assert.Equal(0, exit);
        Assert.Matches(@"\[Chaos\] [\d:.]+ (kill -9|pause) ", output);
        Assert.Contains("\"consistent\":true", output, StringComparison.Ordinal);
        Assert.Contains("\"lost\":0,\"doubled\":0", output, StringComparison.Ordinal);

        // Seed 7 kills the database and restarts it on its data while multiplies run; the servers
        // answer that the store failed and the client retries, and the check above still holds.
        // Whether every outcome is known depends on how fast a loaded machine restarts the
        // database, so "no unknown outcome" is asserted where time is controlled
        // (RetryBudgetTests) and measured by bench/sessions and verify runs, not here.
        Assert.Matches(@"\[Chaos\] [\d:.]+ kill -9 database", output);
    }

    [Fact]
    public async Task Server_UnsafeMultiplyWithRedis_IsRefusedWithAClearMessage()
    {
        var (exit, output) = await ProcessCluster.RunAsync("server", "--port", "0", "--store", "redis://localhost:6379", "--unsafe-multiply");

        Assert.NotEqual(0, exit);
        Assert.Contains("--unsafe-multiply works only on the embedded database", output, StringComparison.Ordinal);
    }
}
