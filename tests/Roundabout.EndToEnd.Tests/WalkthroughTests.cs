namespace Roundabout.EndToEnd.Tests;

/// <summary>The exercise's five-terminal walkthrough, with the real executable in each terminal.</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class WalkthroughTests
{
    private const string Stamp = ProcessCluster.Stamp;

    [Fact]
    public async Task Walkthrough_PrintsTheExercisesLines_AndTheMenuComputesOnBothServers()
    {
        await using var cluster = await ProcessCluster.StartAsync(servers: 2);
        var (first, firstPort) = cluster.Servers[0];
        var (_, secondPort) = cluster.Servers[1];

        await first.WaitForLineAsync(Stamp + @"\[Server\] Successfully registered to Registry$");
        await cluster.RegistryProcess.WaitForLineAsync(Stamp + $@"\[Registry\] Server registered: localhost:{firstPort}$");
        await cluster.RegistryProcess.WaitForLineAsync(Stamp + $@"\[Registry\] Server registered: localhost:{secondPort}$");
        var registeredLine = first.Lines.ToList().FindIndex(l => l.EndsWith("Successfully registered to Registry", StringComparison.Ordinal));
        var runningLine = first.Lines.ToList().FindIndex(l => l.Contains("Waiting for requests...", StringComparison.Ordinal));
        Assert.True(registeredLine < runningLine, "the server says it registered before it says it is running");

        var client = cluster.Track(CliProcess.Start("client", "--registry", cluster.RegistryAddress));
        foreach (var line in new[] { "1", "2", "3", "1", "10", "20", "2", "4", "2", "5", "3" })
        {
            await client.WriteLineAsync(line);
        }

        Assert.Equal(0, await client.WaitForExitAsync());
        var output = client.Output;
        Assert.Contains("--- Client MENU ---", output, StringComparison.Ordinal);
        Assert.Contains("1. Execute Stateless Sum (A + B)", output, StringComparison.Ordinal);
        Assert.Contains("2. Execute Stateful Multiplication (GlobalAccumulator * Factor)", output, StringComparison.Ordinal);
        Assert.Contains("3. Exit", output, StringComparison.Ordinal);
        Assert.Contains("[Client] Select an option:", output, StringComparison.Ordinal);

        // Each answer on its own line, with the server that computed it; four calls round-robin over two servers.
        var servers = $@"(?<server>localhost:(?:{firstPort}|{secondPort}))";
        var answers = new[]
        {
            $@"\[Client\] Result: 5 \(computed by server {servers}\)$",
            $@"\[Client\] Result: 30 \(computed by server {servers}\)$",
            $@"\[Client\] GlobalAccumulator is now 4 \(computed by server {servers}\)$",
            $@"\[Client\] GlobalAccumulator is now 20 \(computed by server {servers}\)$",
        }.Select(pattern => client.Lines.Select(l => System.Text.RegularExpressions.Regex.Match(l, pattern)).SingleOrDefault(m => m.Success)).ToArray();
        Assert.All(answers, answer => Assert.True(answer is not null, $"an answer is missing from the client's output:\n{output}"));
        Assert.Equal(
            new[] { $"localhost:{firstPort}", $"localhost:{secondPort}" }.Order(StringComparer.Ordinal),
            answers.Select(a => a!.Groups["server"].Value).Distinct().Order(StringComparer.Ordinal));
    }
}
