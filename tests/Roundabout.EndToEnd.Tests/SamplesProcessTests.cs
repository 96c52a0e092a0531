using System.Text.RegularExpressions;
using Roundabout.Hosting;
using Roundabout.Registry;

namespace Roundabout.EndToEnd.Tests;

/// <summary>
/// The samples, built against the packed packages, run as real processes: three replicas of a
/// gRPC service and three of an HTTP service, a caller using each path, and one replica of each
/// killed as with <c>kill -9</c> under load. And the CLI installed as a .NET tool from the feed.
/// </summary>
[Trait(Tier.Name, Tier.Process)]
public sealed partial class SamplesProcessTests(PackedSamples samples) : IClassFixture<PackedSamples>
{
    private static readonly TimeSpan _ttl = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan _processTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task KillDashNine_OfOneReplicaOfEach_UnderLoad_FailsNoCall_AndTheReplicaLeavesWithinItsLease()
    {
        await using var registry = RegistryHost.Build(new RegistryHostOptions { Port = 0, Ttl = _ttl });
        await registry.StartAsync().DefaultTimeout();
        var registryAddress = $"127.0.0.1:{registry.GetBoundPort()}";
        var environment = new Dictionary<string, string> { ["ROUNDABOUT__REGISTRIES"] = registryAddress };
        await using var fixture = new Replicas();
        for (var i = 0; i < 3; i++)
        {
            fixture.Orders.Add(CliProcess.StartProgram("dotnet", [samples.Dll("Orders"), "--urls", "http://127.0.0.1:0"], environment));
            fixture.Inventory.Add(CliProcess.StartProgram("dotnet", [samples.Dll("Inventory"), "--urls", "http://127.0.0.1:0"], environment));
        }

        var orders = await Task.WhenAll(fixture.Orders.Select(p => p.WaitForPortAsync(ListeningLine, _processTimeout)));
        var inventory = await Task.WhenAll(fixture.Inventory.Select(p => p.WaitForPortAsync(ListeningLine, _processTimeout)));
        await Eventually.UntilAsync(async () =>
            (await ListAsync(registryAddress, "orders")).Count == 3 && (await ListAsync(registryAddress, "inventory")).Count == 3,
            "three replicas of each service are registered", _processTimeout);

        var caller = CliProcess.StartProgram("dotnet", [samples.Dll("Caller"), "--duration", "20", "--workers", "4"], environment);
        fixture.Others.Add(caller);
        await Eventually.UntilAsync(() => Progress(caller) is { Grpc: >= 200, Http: >= 200 }, "the caller's calls flow on both paths", _processTimeout);

        fixture.Orders[0].Kill();
        fixture.Inventory[0].Kill();
        var killedAt = DateTime.UtcNow;
        await Eventually.UntilAsync(async () =>
            !(await ListAsync(registryAddress, "orders")).Contains($"127.0.0.1:{orders[0]}")
            && !(await ListAsync(registryAddress, "inventory")).Contains($"127.0.0.1:{inventory[0]}"),
            "the killed replicas leave the registry", _processTimeout);
        var gone = DateTime.UtcNow - killedAt;

        var code = await caller.WaitForExitAsync(_processTimeout);
        var result = ResultLine().Match(caller.Lines.LastOrDefault(l => l.StartsWith("result ", StringComparison.Ordinal)) ?? "");
        Assert.True(result.Success, caller.Output);
        Assert.True(result.Groups["grpcFailed"].Value == "0", caller.Output);
        Assert.True(result.Groups["httpFailed"].Value == "0", caller.Output);
        Assert.True(code == 0, caller.Output);
        // Every replica served calls, the killed ones before they died.
        foreach (var port in orders.Concat(inventory))
        {
            Assert.Contains($"127.0.0.1:{port} calls=", caller.Output, StringComparison.Ordinal);
        }

        // Lease expiry, plus a sweep, plus the eviction guard's hold of at most one more lease.
        Assert.True(gone < 3 * _ttl, $"the killed replicas were listed for {gone.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task TheCli_InstallsAsADotnetTool_FromTheFeed_AndRuns()
    {
        var tools = Path.Combine(samples.Directory, "tools");

        await PackedSamples.RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", samples.Feed, "roundabout", "--version", samples.Version]);
        var version = await PackedSamples.RunAsync(Path.Combine(tools, "roundabout"), ["--version"]);

        Assert.StartsWith(samples.Version, version.Trim(), StringComparison.Ordinal);
    }

    private const string ListeningLine = @"Now listening on: http://127\.0\.0\.1:(?<port>\d+)";

    private static async Task<IReadOnlyList<string>> ListAsync(string registry, string service)
    {
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://{registry}");
        var reply = await new Roundabout.Contracts.Registry.V1.Registry.RegistryClient(channel)
            .ListInstancesAsync(new Roundabout.Contracts.Registry.V1.ListInstancesRequest { Service = service });
        return [.. reply.Instances.Select(i => i.Address)];
    }

    private static (int Grpc, int Http)? Progress(CliProcess caller)
    {
        var last = caller.Lines.LastOrDefault(l => l.StartsWith("progress ", StringComparison.Ordinal));
        if (last is null)
        {
            return null;
        }

        var match = ResultLine().Match(last);
        return match.Success ? (int.Parse(match.Groups["grpcOk"].Value), int.Parse(match.Groups["httpOk"].Value)) : null;
    }

    [GeneratedRegex(@"grpc ok=(?<grpcOk>\d+) failed=(?<grpcFailed>\d+) http ok=(?<httpOk>\d+) failed=(?<httpFailed>\d+)")]
    private static partial Regex ResultLine();

    private sealed class Replicas : IAsyncDisposable
    {
        public List<CliProcess> Orders { get; } = [];

        public List<CliProcess> Inventory { get; } = [];

        public List<CliProcess> Others { get; } = [];

        public async ValueTask DisposeAsync()
        {
            foreach (var process in Orders.Concat(Inventory).Concat(Others))
            {
                await process.DisposeAsync();
            }
        }
    }
}
