using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Roundabout.Cli.Launch;
using Roundabout.Cli.Terminal;
using Roundabout.Hosting;

namespace Roundabout.Cli.Up;

/// <summary>
/// The one command that runs everything: the registry, the database and N servers as child
/// processes, then the interactive client menu in this terminal. The components' log lines, each
/// prefixed with its name, are printed above the menu's prompt, which is drawn again below them
/// with what the user has typed. When the menu exits, it stops the servers first (they
/// deregister), then the database and the registry.
/// </summary>
internal sealed class UpSupervisor(UpOptions options, TimeProvider time)
{
    private static readonly TimeSpan _grace = TimeSpan.FromSeconds(10);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var terminal = TerminalSession.ForStandardStreams();
        var log = new UpLog(terminal.Output, options.Log, time);
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; interrupted.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; interrupted.Cancel(); });
        ClusterTls? tls = null;
        LocalCluster? cluster = null;
        try
        {
            UpPorts.CheckFree(options);
            tls = MakeTls(log);
            var components = new UpComponents(options, tls);
            cluster = new LocalCluster(new LaunchOutput(terminal.Output, components.NameWidth, options.Log.Format == LogFormat.Json, time));
            await StartAsync(cluster, components, tls, log, interrupted.Token);
            return await UpMenu.RunAsync(options, tls?.Client, terminal, cluster.Components, interrupted.Token);
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            terminal.Console.CommitLive();
            log.Say("Interrupted; stopping.");
            return 130;
        }
        catch (LaunchFailedException ex)
        {
            terminal.Console.CommitLive();
            log.Say(ex.Message, LogLevel.Error);
            return 1;
        }
        finally
        {
            if (cluster is not null)
            {
                await cluster.StopAllAsync(_grace);
            }

            tls?.Dispose();
        }
    }

    private ClusterTls? MakeTls(UpLog log)
    {
        if (!options.Tls)
        {
            return null;
        }

        var tls = ClusterTls.Create("Roundabout up", time);
        log.Say($"TLS: a throwaway CA signs every component's certificate; other clients can dial with --tls-ca {tls.CaPath} while this runs.");
        return tls;
    }

    private async Task StartAsync(LocalCluster cluster, UpComponents components, ClusterTls? tls, UpLog log, CancellationToken cancellationToken)
    {
        var probe = new ReadinessProbe(time, options.StartTimeout, tls?.Client, "up");
        var registry = cluster.Start("registry", components.Registry);
        var database = cluster.Start("database", components.Database);
        await probe.WaitHealthyAsync(registry, cancellationToken);
        await probe.WaitHealthyAsync(database, cancellationToken);

        var servers = components.Servers.Select(s => cluster.Start(s.Name, s.Args)).ToArray();
        // The dashboard is a client like any other: it starts with the servers and shows them arrive.
        var dashboard = components.Dashboard is { } dashboardArgs ? cluster.Start("dashboard", dashboardArgs) : null;

        await probe.WaitRegisteredAsync(options.RegistryPort, servers, cancellationToken);
        foreach (var server in servers)
        {
            await probe.WaitHealthyAsync(server, cancellationToken);
        }

        if (dashboard is not null)
        {
            await probe.WaitDashboardAsync(dashboard, new Uri(UpComponents.DashboardUrl(dashboard.Port) + "healthz"), cancellationToken);
        }

        // Each one answered as itself; make sure none has exited since.
        foreach (var component in cluster.Components)
        {
            ReadinessProbe.EnsureRunning(component);
        }

        var ports = string.Join(", ", servers.Select(s => $":{s.Port}"));
        log.Say($"Metrics (Prometheus text): {string.Join(", ", components.MetricsUrls())}.");
        log.Say($"All components are up: registry :{options.RegistryPort}, database :{options.DatabasePort}, servers {ports}. Starting the client.");
        if (dashboard is not null)
        {
            log.Say($"Dashboard: {UpComponents.DashboardUrl(dashboard.Port)}");
        }
    }
}
