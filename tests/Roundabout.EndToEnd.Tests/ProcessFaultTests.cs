using Roundabout.Client;
using Roundabout.Contracts;

namespace Roundabout.EndToEnd.Tests;

/// <summary>
/// Faults of whole processes: the database frozen with SIGSTOP under a multiply load through the
/// real client, and <c>up</c> stopped with SIGTERM or killed with SIGKILL, after which the process
/// table must hold none of the processes it started.
/// </summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class ProcessFaultTests
{
    [Fact]
    public async Task PausedDatabase_UnderAMultiplyLoad_NoUpdateIsLostOrDoubled()
    {
        await using var cluster = await ProcessCluster.StartAsync(servers: 2);
        await using var client = RoundaboutClient.Create(new RoundaboutClientOptions
        {
            Registries = [EndpointAddress.Parse(cluster.RegistryAddress)],
            Deadline = TimeSpan.FromSeconds(2),
        });
        await Eventually.UntilAsync(async () => (await client.RefreshAsync()).Count == 2, "two servers are registered");
        var load = new PrimeLoad(client, workers: 4, perWorker: 30);
        var paused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var running = load.RunAsync(halfway: paused.Task);
        await Eventually.UntilAsync(() => load.Acknowledged.Count >= 20, "20 multiplies are acknowledged");
        cluster.DatabaseProcess.Pause();
        try
        {
            paused.TrySetResult();
            // A frozen database holds its connections open and answers nothing: the calls in flight end unknown.
            await Eventually.UntilAsync(() => load.Unknown.Count >= 4, "4 multiplies end unknown while the database is paused");
        }
        finally
        {
            cluster.DatabaseProcess.Resume();
            paused.TrySetResult();
        }

        await running.WaitAsync(TimeSpan.FromMinutes(2));
        await load.ResendUnknownAsync();

        await load.AssertEachAppliedOnceAsync();
        Assert.False(cluster.DatabaseProcess.HasExited, "the database did not survive the pause");
    }

    [Fact]
    public async Task Up_StoppedWithSigterm_LeavesNoProcessItStarted()
    {
        await using var up = await StartUpAsync();
        var started = await StartedProcessesAsync(up);

        up.Terminate();
        await up.Exited.WaitAsync(TimeSpan.FromSeconds(60));

        await AssertAllGoneAsync(started);
    }

    [Fact]
    public async Task Up_KilledWithSigkill_LeavesNoProcessItStarted()
    {
        await using var up = await StartUpAsync();
        var started = await StartedProcessesAsync(up);

        // Only up itself: its children must notice they are orphans and stop on their own.
        up.KillAlone();

        // Its exit alone, not the end of its output, which children left behind would hold open.
        await up.Exited.WaitAsync(TimeSpan.FromSeconds(60));

        await AssertAllGoneAsync(started);
    }

    private static async Task<CliProcess> StartUpAsync()
    {
        var first = FreePorts.Block(9);
        var up = CliProcess.Start(
            "up", "--servers", "2", "--in-memory",
            "--registry-port", Text(first), "--database-port", Text(first + 1), "--first-server-port", Text(first + 2),
            "--first-metrics-port", Text(first + 4), "--dashboard-port", Text(first + 8));
        await up.WaitForLineAsync("All components are up", TimeSpan.FromSeconds(90));
        return up;
    }

    /// <summary>The processes up started (registry, database, two servers, the dashboard; the menu runs in up itself), read from the process table.</summary>
    private static async Task<IReadOnlyList<ProcessEntry>> StartedProcessesAsync(CliProcess up)
    {
        IReadOnlyList<ProcessEntry> started = [];
        string[] expected = ["registry", "database", "server", "server", "dashboard"];
        await Eventually.UntilAsync(
            () =>
            {
                started = ProcessTable.Descendants(up.Id);
                var commands = started.Select(p => Command(p.CommandLine)).ToList();
                return expected.GroupBy(c => c).All(g => commands.Count(c => c == g.Key) >= g.Count());
            },
            "up has started the registry, the database, two servers and the dashboard");
        return started;
    }

    private static async Task AssertAllGoneAsync(IReadOnlyList<ProcessEntry> started)
    {
        try
        {
            await Eventually.UntilAsync(() => !started.Any(ProcessTable.IsAlive), "every process up started has exited", TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            var left = started.Where(ProcessTable.IsAlive).ToList();
            foreach (var process in left)
            {
                // This test started them (through up): end them by id, so that a failure leaves nothing behind.
                using var stray = System.Diagnostics.Process.GetProcessById(process.Pid);
                stray.Kill();
            }

            Assert.Fail("processes started by up are still running: " + string.Join("; ", left.Select(p => $"{p.Pid} {p.CommandLine}")));
        }
    }

    /// <summary>
    /// The roundabout command in a command line: the word after <c>roundabout.dll</c> (run by
    /// dotnet) or after the <c>roundabout</c> executable (the native build, <c>ROUNDABOUT_TEST_EXECUTABLE</c>).
    /// </summary>
    private static string Command(string commandLine)
    {
        var words = commandLine.Split(' ');
        var program = Array.FindIndex(words, w => w.EndsWith("roundabout.dll", StringComparison.Ordinal) || Path.GetFileName(w) == "roundabout");
        return program >= 0 && program + 1 < words.Length ? words[program + 1] : string.Empty;
    }

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
