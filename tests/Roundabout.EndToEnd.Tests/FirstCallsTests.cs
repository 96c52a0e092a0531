using System.Text.RegularExpressions;

namespace Roundabout.EndToEnd.Tests;

/// <summary>The exercise's lesson, through the real executable: a piped menu run takes the servers in turn from its first call.</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class FirstCallsTests
{
    [Fact]
    public async Task PipedMenu_FreshClient_AlternatesServersInListOrderFromTheFirstCall()
    {
        await using var cluster = await ProcessCluster.StartAsync(servers: 2);
        foreach (var (_, port) in cluster.Servers)
        {
            await cluster.RegistryProcess.WaitForLineAsync(ProcessCluster.Stamp + $@"\[Registry\] Server registered: localhost:{port}$");
        }

        // Three fresh sessions: each must start at the first listed server, not at whichever connected first.
        for (var session = 0; session < 3; session++)
        {
            var client = cluster.Track(CliProcess.Start("client", "--registry", cluster.RegistryAddress));
            foreach (var line in new[] { "1", "1", "1", "1", "2", "2", "1", "3", "3", "1", "4", "4", "3" })
            {
                await client.WriteLineAsync(line);
            }

            Assert.Equal(0, await client.WaitForExitAsync());
            var found = Regex.Match(client.Output, @"\[Client\] Found 2 server\(s\) in the registry: (?<a>\S+), (?<b>\S+)$", RegexOptions.Multiline);
            Assert.True(found.Success, client.Output);
            var (a, b) = (found.Groups["a"].Value, found.Groups["b"].Value);
            var served = Regex.Matches(client.Output, @"\(computed by server (?<server>[^)]+)\)").Select(m => m.Groups["server"].Value).ToArray();
            Assert.Equal([a, b, a, b], served);
        }
    }
}
