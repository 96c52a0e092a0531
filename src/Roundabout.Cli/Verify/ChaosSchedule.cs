using Roundabout.Cli.Launch;

namespace Roundabout.Cli.Verify;

/// <summary>
/// The faults of a <c>verify --chaos</c> run, chosen by a seed so that a failing run can be
/// repeated: every so often, one of kill -9 and restart of a server, kill -9 and restart of the
/// database on its data, or a pause (SIGSTOP, then SIGCONT) of a server or of the database.
/// </summary>
internal sealed class ChaosSchedule(ChaosCluster cluster, int seed, TextWriter output, TimeProvider time)
{
    private readonly Random _random = new(seed);

    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(400 + _random.Next(800)), stop);
                var servers = cluster.Servers;
                var server = servers[_random.Next(servers.Count)];
                switch (_random.Next(4))
                {
                    case 0:
                        await KillAndRestartAsync(server, $"restart {server}", 300 + _random.Next(700), stop);
                        break;
                    case 1:
                        await KillAndRestartAsync("database", "restart database on its data directory", 200 + _random.Next(500), stop);
                        break;
                    default:
                        var target = _random.Next(3) == 0 ? "database" : server;
                        Say($"pause {target} (SIGSTOP)");
                        cluster.Pause(target, true);
                        try
                        {
                            await Task.Delay(TimeSpan.FromMilliseconds(300 + _random.Next(900)), stop);
                        }
                        finally
                        {
                            Say($"resume {target} (SIGCONT)");
                            cluster.Pause(target, false);
                        }

                        break;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is LaunchFailedException or InvalidOperationException or IOException)
        {
            // A component that does not come back ends the faults, not the check: the verdict still reads what was applied.
            output.WriteLine($"[Chaos] fault injection stopped: {ex.Message}");
        }
    }

    /// <summary>A killed component always comes back, even when the run ends during its downtime.</summary>
    private async Task KillAndRestartAsync(string name, string restart, int downMs, CancellationToken stop)
    {
        Say($"kill -9 {name}");
        await cluster.KillAsync(name);
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(downMs), stop);
        }
        finally
        {
            Say(restart);
            await cluster.RestartAsync(name, CancellationToken.None);
        }
    }

    private void Say(string fault) => output.WriteLine($"[Chaos] {time.GetLocalNow():HH:mm:ss.fff} {fault}");
}
