using System.Text.RegularExpressions;

namespace Roundabout.EndToEnd.Tests;

/// <summary>
/// Every command docs/tour.md and the README show, run against real processes, and its output
/// compared with the document's on the text that does not vary (<see cref="DocOutput"/>). Load
/// runs are shortened to a few seconds; their figures are set aside anyway.
/// </summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class TourTests
{
    private static readonly TimeSpan _shortRun = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Tour_EveryCommandShown_PrintsWhatTheTourShows()
    {
        var doc = DocBlocks.Load("docs/tour.md");
        await using var run = new DocSession(doc, [8000, 8001], [9001, 9002, 9003]);

        // 1. One component per terminal.
        var registryCommand = doc.Next("./roundabout registry");
        var registry = Assert.Single(run.Start(registryCommand));
        await run.ExpectAsync(registryCommand, 0, registry);
        var databaseCommand = doc.Next("./roundabout database");
        await run.ExpectAsync(databaseCommand, 0, Assert.Single(run.Start(databaseCommand)));
        var serversCommand = doc.Next("./roundabout server --port 9001 &");
        await run.ExpectAsync(serversCommand, 0, [.. run.Start(serversCommand)]);
        Assert.Equal(2, await run.RunAsync(doc.Next("./roundabout server -port abc")));

        // 2. Round-robin over a list fetched once; a third server joins only after option 4.
        var clientCommand = doc.Next("./roundabout client");
        var client = Assert.Single(run.Start(clientCommand));
        var at = await TypeAndExpectAsync(run, clientCommand, client, 0);
        run.Start(Prose("./roundabout server --port 9003"));
        await registry.WaitForLineAsync($@"Server registered: localhost:{run.Real(9003)}$");
        at = await TypeAndExpectAsync(run, doc.Next(null), client, at);
        await TypeAndExpectAsync(run, doc.Next(null), client, at);
        client.CloseInput();
        Assert.Equal(0, await client.WaitForExitAsync());

        // 3. A server killed, and evicted.
        var kill = doc.Next("kill -9 $(pgrep -f 'server --port ");
        run.ByDocPort[PortIn(kill.Command!)].Kill();
        await registry.WaitForLineAsync($@"\[Registry\] Server evicted \(missed heartbeats\): localhost:{run.Real(PortIn(kill.Command!))}$");
        Assert.Equal(0, await run.RunAsync(doc.Next("./roundabout servers")));

        // 4. Failover under load: the server on 9003 is killed once it has served calls.
        var doomed = run.ByDocPort[9003];
        var served = doomed.Lines.Count;
        Assert.Equal(0, await run.RunAsync(
            doc.Next("./roundabout bench --op sum --concurrency 16"),
            Shorten,
            async () =>
            {
                await Eventually.UntilAsync(() => doomed.Lines.Skip(served).Any(l => l.Contains("Sum", StringComparison.Ordinal)), "the server on 9003 serves the load");
                doomed.Kill();
            }));

        // 5. Exactly once with a request id of one's own.
        Assert.Equal(0, await run.RunAsync(doc.Next("./roundabout multiply 3 --name tour --request-id")));
        Assert.Equal(0, await run.RunAsync(doc.Next("./roundabout multiply 3 --name tour --request-id")));
        Assert.Equal(0, await run.RunAsync(doc.Next("./roundabout accumulator --name tour")));

        // 6. Runs on its own cluster, in its own test.
        doc.CheckedBy("./roundabout verify --chaos", nameof(Tour_VerifyChaos_OnChosenPorts_PrintsWhatTheTourShows));

        // 7. A slow server, and the ewma policy.
        var restarted = Assert.Single(run.Start(Prose("./roundabout server --port 9002")));
        await restarted.WaitForLineAsync(@"Waiting for requests\.\.\.$");
        var slowCommand = doc.Next("./roundabout server --port 9003 --inject-latency");
        await run.ExpectAsync(slowCommand, 0, Assert.Single(run.Start(slowCommand)));
        Assert.Equal(0, await run.RunAsync(doc.Next("./roundabout servers")));
        Assert.Equal(0, await run.RunAsync(doc.Next("./roundabout bench --op sum --rps 100"), Shorten));
        Assert.Equal(0, await run.RunAsync(doc.Next("./roundabout bench --op sum --rps 100"), Shorten));

        doc.AssertAllRun();
    }

    [Fact]
    public async Task Tour_VerifyChaos_OnChosenPorts_PrintsWhatTheTourShows()
    {
        var doc = DocBlocks.Load("docs/tour.md");
        var command = doc.Find("./roundabout verify --chaos");
        await using var run = new DocSession(doc, [8000, 8001], [8100, 8101], [9101, 9102, 9103]);

        var help = await ProcessCluster.RunAsync("verify", "--help");
        Assert.True(
            new[] { "--registry-port", "--database-port", "--first-server-port" }.All(o => help.Output.Contains(o, StringComparison.Ordinal)),
            $"the tour runs verify --chaos on chosen ports, and verify has no such options:\n{help.Output}");

        var code = await run.RunAsync(command, timeout: TimeSpan.FromMinutes(3));

        // The racy run breaks the promise; the exit code is the verdict of the run on real servers.
        Assert.Equal(0, code);
    }

    [Fact]
    public async Task Readme_EveryConsoleBlock_PrintsWhatTheReadmeShows()
    {
        var doc = DocBlocks.Load("README.md");
        await using var run = new DocSession(doc, [8000, 8001], [9001, 9002]);
        var registry = Assert.Single(run.Start(Prose("./roundabout registry")));
        await registry.WaitForLineAsync(@"Service Registry running on port");
        await Assert.Single(run.Start(Prose("./roundabout database --in-memory"))).WaitForLineAsync(@"Shared Memory running on port");
        foreach (var port in new[] { 9001, 9002 })
        {
            run.Start(Prose($"./roundabout server --port {port}"));
            await registry.WaitForLineAsync($@"Server registered: localhost:{run.Real(port)}$");
        }

        Assert.Equal(0, await run.RunAsync(doc.Next("./roundabout sum 2 3 --json")));
        Assert.Equal(0, await run.RunAsync(doc.Next("./roundabout multiply 3")));
        Assert.Equal(0, await run.RunAsync(doc.Next("./roundabout servers")));
        Assert.Equal(1, await run.RunAsync(doc.Next("./roundabout sum x 1")));
        doc.AssertAllRun();
    }

    [Fact]
    public void DocOutput_SetsAsideTimesNumbersIdsAndPorts_ButNotTheText()
    {
        var output = new DocOutput(new Dictionary<int, int> { [23456] = 9001 });

        Assert.Equal(
            output.Normalise("2026/11/26 14:51:02 [Client] Result: 5 (computed by server localhost:9001)", real: false),
            output.Normalise("2027/01/02 03:04:05 [Client] Result: 12 (computed by server localhost:23456)", real: true));
        Assert.Equal(
            output.Normalise("[Verify] 150 multiplies of accumulator 'verify-e9305f07' by distinct primes", real: false),
            output.Normalise("[Verify] 7 multiplies of accumulator 'verify-0a1b2c3d' by distinct primes", real: true));
        Assert.NotEqual(
            output.Normalise("[Client] Bench sum: 90025 requests at concurrency 16 in 8.00 s", real: false),
            output.Normalise("[Client] Bench sum: 90025 requests at concurrency 16 (round-robin) in 8.00 s", real: true));
        Assert.NotEqual(
            output.Normalise("localhost:9001           2026-11-26 14:51:02  no", real: false),
            output.Normalise("localhost:23456          2026-11-26 14:51:02  no       store=roundabout://localhost:8001", real: true));
    }

    /// <summary>Types what the document shows typed at the menu, then waits for the lines it shows.</summary>
    private static async Task<int> TypeAndExpectAsync(DocSession run, DocCommand block, CliProcess client, int from)
    {
        foreach (var input in block.Inputs)
        {
            await client.WriteLineAsync(input);
        }

        return await run.ExpectAsync(block, from, client);
    }

    /// <summary>A command the tour names in its text rather than in a console block.</summary>
    private static DocCommand Prose(string command) => new("(in the text)", command, [], AnyOrder: false);

    private static int PortIn(string command) => int.Parse(Regex.Match(command, @"--port (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static string[] Shorten(string[] args)
    {
        var at = Array.IndexOf(args, "--duration");
        return at < 0 ? args : [.. args[..(at + 1)], $"{_shortRun.TotalSeconds}s", .. args[(at + 2)..]];
    }
}
