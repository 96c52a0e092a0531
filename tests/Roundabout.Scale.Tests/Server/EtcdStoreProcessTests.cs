using System.Text.RegularExpressions;
using Roundabout.Testing.Engines;

namespace Roundabout.Scale.Tests.Server;

/// <summary>The exercise's walkthrough with the accumulators in etcd: the real executables on a real etcd.</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class EtcdStoreProcessTests
{
    private const string RegistryRunning = @"Service Registry running on port :(?<port>\d+)";
    private const string ServerRunning = @"Server running on localhost:(?<port>\d+)\. Waiting for requests";

    [Fact]
    public async Task Walkthrough_TwoServersWithTheStoreInEtcd_SumAndMultiplyAcrossBoth()
    {
        await using var etcd = await EtcdServer.StartAsync();
        await using var registry = CliProcess.Start("registry", "--port", "0");
        var registryAddress = $"localhost:{await registry.WaitForPortAsync(RegistryRunning)}";
        await using var serverA = CliProcess.Start("server", "--port", "0", "--registry", registryAddress, "--store", $"etcd://{etcd.Address}");
        await using var serverB = CliProcess.Start("server", "--port", "0", "--registry", registryAddress, "--store", $"etcd://{etcd.Address}");
        await serverA.WaitForPortAsync(ServerRunning);
        await serverB.WaitForPortAsync(ServerRunning);

        await using var sum = CliProcess.Start("sum", "2", "3", "--registry", registryAddress);
        Assert.Equal(0, await sum.WaitForExitAsync());
        Assert.Matches(@"^5\b", sum.Output.Trim());
        var results = new List<string>();
        foreach (var factor in new[] { "4", "5" })
        {
            await using var multiply = CliProcess.Start("multiply", factor, "--name", "walk", "--registry", registryAddress, "--json");
            Assert.Equal(0, await multiply.WaitForExitAsync());
            results.Add(Regex.Match(multiply.Output, "\"result\":\"(?<r>-?\\d+)\"").Groups["r"].Value);
        }

        Assert.Equal(["4", "20"], results);
        Assert.Contains(serverA.Lines.Concat(serverB.Lines), l => l.Contains("Multiply request on 'walk': x 5 = 20", StringComparison.Ordinal));
    }
}
