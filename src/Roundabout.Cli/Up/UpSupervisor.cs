using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Roundabout.Cli.Commands;
using Roundabout.Cli.Menu;
using Roundabout.Cli.Terminal;
using Roundabout.Client;
using Roundabout.Contracts;
using Roundabout.Contracts.Registry.V1;
using Roundabout.Contracts.Security;
using Roundabout.Cli.Security;
using Roundabout.Hosting;
using RegistryApi = Roundabout.Contracts.Registry.V1.Registry;

namespace Roundabout.Cli.Up;

/// <summary>
/// The one command that runs everything: the registry, the database and N servers as child
/// processes, then the interactive client menu in this terminal. The components' log lines, each
/// prefixed with its name, are printed above the menu's prompt, which is drawn again below them
/// with what the user has typed. When the menu exits, it stops the servers first (they
/// deregister), then the database and the registry.
/// </summary>
internal sealed class UpSupervisor(UpOptions options)
{
    private static readonly TimeSpan _grace = TimeSpan.FromSeconds(10);
    private readonly List<ComponentProcess> _servers = [];
    private readonly List<ComponentProcess> _infrastructure = [];
    private ThrowawayCertificates? _certificates;
    private ClientTls? _dialTls;
    private TextWriter _output = Console.Out;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var terminal = TerminalSession.ForStandardStreams();
        _output = terminal.Output;
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; interrupted.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; interrupted.Cancel(); });
        try
        {
            await StartComponentsAsync(interrupted.Token);
            return await RunClientAsync(terminal, interrupted.Token);
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            terminal.Console.CommitLive();
            Say("Interrupted; stopping.");
            return 130;
        }
        catch (StartFailedException ex)
        {
            terminal.Console.CommitLive();
            Say(ex.Message, LogLevel.Error);
            return 1;
        }
        finally
        {
            await StopAllAsync();
            _certificates?.Dispose();
        }
    }

    /// <summary>The TLS arguments of a component that serves, and of one that dials; empty without --tls.</summary>
    private string[] ServeArgs => _certificates is { } c ? ["--tls-cert", c.CertificatePath, "--tls-key", c.KeyPath] : [];

    private string[] DialArgs => _certificates is { } c ? ["--tls-ca", c.CaPath] : [];

    private void MakeCertificates()
    {
        if (!options.Tls)
        {
            return;
        }

        _certificates = ThrowawayCertificates.Create("Roundabout up", TimeProvider.System);
        _dialTls = ClientTls.FromFiles(_certificates.CaPath, null, null);
        Say($"TLS: a throwaway CA signs every component's certificate; other clients can dial with --tls-ca {_certificates.CaPath} while this runs.");
    }

    // up polls a component that is still starting: a refused connection must be retried within
    // milliseconds, not after the channel's default reconnect backoff of one second.
    private GrpcChannel Channel(int port) => GrpcChannels.ForAddress(
        new EndpointAddress("127.0.0.1", port),
        _dialTls,
        new GrpcChannelOptions { InitialReconnectBackoff = TimeSpan.FromMilliseconds(20), MaxReconnectBackoff = TimeSpan.FromMilliseconds(100) });

    private async Task StartComponentsAsync(CancellationToken cancellationToken)
    {
        CheckPortsFree();
        MakeCertificates();
        var width = Math.Max($"server-{options.FirstServerPort + options.Servers - 1}".Length, options.DashboardPort is null ? 0 : "dashboard".Length);
        var registry = Start("registry", options.RegistryPort, width,
            ["registry", "--port", Text(options.RegistryPort), "--metrics-port", Text(options.RegistryMetricsPort), .. ServeArgs], _infrastructure);
        string[] storage = options.InMemory ? ["--in-memory"] : options.DataDir is { } dir ? ["--data-dir", dir] : [];
        var database = Start("database", options.DatabasePort, width,
            ["database", "--port", Text(options.DatabasePort), "--metrics-port", Text(options.DatabaseMetricsPort), .. storage, .. ServeArgs], _infrastructure);

        using var registryChannel = Channel(options.RegistryPort);
        using var databaseChannel = Channel(options.DatabasePort);
        await WaitHealthyAsync(registry, registryChannel, cancellationToken);
        await WaitHealthyAsync(database, databaseChannel, cancellationToken);

        for (var i = 0; i < options.Servers; i++)
        {
            var port = options.FirstServerPort + i;
            Start($"server-{port}", port, width,
                ["server", "--port", Text(port), "--metrics-port", Text(options.ServerMetricsPort(i)),
                    "--registry", $"localhost:{options.RegistryPort}", "--database", $"localhost:{options.DatabasePort}", .. ServeArgs, .. DialArgs],
                _servers);
        }

        // The dashboard is a client like any other: it starts with the servers and shows them arrive.
        var dashboard = options.DashboardPort is { } dashboardPort
            ? Start("dashboard", dashboardPort, width, ["dashboard", "--port", Text(dashboardPort), "--registry", $"localhost:{options.RegistryPort}", "--database", $"localhost:{options.DatabasePort}", .. DialArgs], _infrastructure)
            : null;

        await WaitRegisteredAsync(new RegistryApi.RegistryClient(registryChannel), cancellationToken);
        foreach (var server in _servers)
        {
            using var serverChannel = Channel(server.Port);
            await WaitHealthyAsync(server, serverChannel, cancellationToken);
        }

        if (dashboard is not null)
        {
            await WaitDashboardAsync(dashboard, cancellationToken);
        }

        // Each one answered as itself; make sure none has exited since.
        foreach (var component in _infrastructure.Concat(_servers))
        {
            EnsureRunning(component);
        }

        var ports = string.Join(", ", Enumerable.Range(options.FirstServerPort, options.Servers).Select(p => $":{p}"));
        Say($"Metrics (Prometheus text): {string.Join(", ", MetricsUrls())}.");
        Say($"All components are up: registry :{options.RegistryPort}, database :{options.DatabasePort}, servers {ports}. Starting the client.");
        if (dashboard is not null)
        {
            Say($"Dashboard: {DashboardUrl(dashboard.Port)}");
        }
    }

    /// <summary>Each component's metrics endpoint, named.</summary>
    private IEnumerable<string> MetricsUrls()
    {
        yield return $"registry http://127.0.0.1:{options.RegistryMetricsPort}/metrics";
        yield return $"database http://127.0.0.1:{options.DatabaseMetricsPort}/metrics";
        for (var i = 0; i < options.Servers; i++)
        {
            yield return $"server-{options.FirstServerPort + i} http://127.0.0.1:{options.ServerMetricsPort(i)}/metrics";
        }
    }

    private async Task<int> RunClientAsync(TerminalSession terminal, CancellationToken cancellationToken)
    {
        // The menu runs in this process, so that it and the components' lines share one console.
        using var stopMenu = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var client = new RoundaboutClientOptions
        {
            Registries = [EndpointAddress.Parse($"localhost:{options.RegistryPort}")],
            Policy = options.Policy,
            Tls = _dialTls,
        };
        // The menu logs as a client does: warnings and errors, unless up was asked for less.
        var clientLog = options.Log.Minimum > LogLevel.Warning ? options.Log : options.Log with { Minimum = LogLevel.Warning };
        var menu = ClientRun.RunAsync(client, clientLog, c => new ClientMenu(c, terminal.Menu).RunAsync(stopMenu.Token), logOutput: terminal.LogOutput);
        var components = _infrastructure.Concat(_servers).ToArray();
        // SIGTERM or Ctrl-C: the menu may be blocked in a read of standard input that no token can
        // interrupt, so up stops on the signal itself rather than on the menu's return.
        var interrupted = Task.Delay(Timeout.Infinite, cancellationToken);
        var first = await Task.WhenAny([menu, interrupted, .. components.Select(c => c.Exited)]);
        if (first == interrupted)
        {
            await stopMenu.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (first != menu)
        {
            // A component died under the client: say which, stop everything, and fail.
            await stopMenu.CancelAsync();
            var dead = components.First(c => c.HasExited);
            throw new StartFailedException($"The {dead.Name} exited unexpectedly ({LastLine(dead)}); stopping everything.");
        }

        return await menu;
    }

    /// <summary>Every port is checked before anything starts, so a busy one stops <c>up</c> with nothing left running.</summary>
    private void CheckPortsFree()
    {
        var ports = new List<(int Port, string What, string Option)>
        {
            (options.RegistryPort, "the registry", "--registry-port"),
            (options.DatabasePort, "the database", "--database-port"),
        };
        ports.AddRange(Enumerable.Range(options.FirstServerPort, options.Servers).Select(p => (p, $"server-{p}", "--first-server-port")));
        ports.Add((options.RegistryMetricsPort, "the registry's metrics", "--first-metrics-port"));
        ports.Add((options.DatabaseMetricsPort, "the database's metrics", "--first-metrics-port"));
        ports.AddRange(Enumerable.Range(0, options.Servers).Select(i => (options.ServerMetricsPort(i), $"server-{options.FirstServerPort + i}'s metrics", "--first-metrics-port")));
        if (options.DashboardPort is { } dashboardPort)
        {
            ports.Add((dashboardPort, "the dashboard", "--dashboard-port (or --no-dashboard)"));
        }
        var clash = ports.GroupBy(p => p.Port).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            throw new StartFailedException($"Port {clash.Key} is given to both {string.Join(" and ", clash.Select(c => c.What))}; choose different ports.");
        }

        foreach (var (port, what, option) in ports)
        {
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
            }
            catch (SocketException)
            {
                throw new StartFailedException($"Port {port} for {what} is already in use; nothing was started. Stop what holds it or choose another port with {option}.");
            }
        }
    }

    private ComponentProcess Start(string name, int port, int width, string[] args, List<ComponentProcess> group)
    {
        var process = ComponentProcess.Start(name, port, width, [.. args, .. options.LogArgs], _output, jsonLines: options.Log.Format == LogFormat.Json);
        group.Add(process);
        return process;
    }

    private async Task WaitHealthyAsync(ComponentProcess component, GrpcChannel channel, CancellationToken cancellationToken)
    {
        var health = new Health.HealthClient(channel);
        await PollAsync(component.Name + " to become healthy", async () =>
        {
            EnsureRunning(component);
            using var call = health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(3), cancellationToken: cancellationToken);
            var headers = await call.ResponseHeadersAsync;
            if (headers.GetValue(GrpcHost.InstanceHeader) != component.InstanceId)
            {
                // Something else answers on the port: never report it as ours.
                throw new StartFailedException($"Another process answers on port {component.Port}, not the {component.Name} that up started; stop it or choose another port.");
            }

            var reply = await call.ResponseAsync;
            return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving;
        }, cancellationToken);
    }

    /// <summary>The dashboard speaks HTTP/1.1, not gRPC: its health is a plain GET, answered with the instance id like the others.</summary>
    private async Task WaitDashboardAsync(ComponentProcess dashboard, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        var url = new Uri(DashboardUrl(dashboard.Port) + "healthz");
        await PollAsync("the dashboard to answer", async () =>
        {
            EnsureRunning(dashboard);
            try
            {
                using var response = await http.GetAsync(url, cancellationToken);
                if (!response.Headers.TryGetValues(GrpcHost.InstanceHeader, out var instance) || instance.FirstOrDefault() != dashboard.InstanceId)
                {
                    throw new StartFailedException($"Another process answers on port {dashboard.Port}, not the dashboard that up started; stop it or choose another port with --dashboard-port.");
                }

                return response.IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException || ex is TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet, or too busy starting to answer within the request's timeout.
                return false;
            }
        }, cancellationToken);
    }

    private static string DashboardUrl(int port) => $"http://127.0.0.1:{port}/";

    private async Task WaitRegisteredAsync(RegistryApi.RegistryClient registry, CancellationToken cancellationToken)
    {
        await PollAsync($"{options.Servers} server(s) to register", async () =>
        {
            foreach (var server in _servers)
            {
                EnsureRunning(server);
            }

            var reply = await registry.ListInstancesAsync(new ListInstancesRequest { Service = ServiceNames.Calculator }, deadline: DateTime.UtcNow.AddSeconds(3), cancellationToken: cancellationToken);
            return reply.Instances.Count >= options.Servers;
        }, cancellationToken);
    }

    private async Task PollAsync(string what, Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + options.StartTimeout;
        string? lastError = null;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (RpcException ex)
            {
                // Not listening yet.
                lastError = ex.Status.Detail.Length > 0 ? ex.Status.Detail : ex.StatusCode.ToString();
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new StartFailedException($"Timed out after {options.StartTimeout.TotalSeconds:0} s waiting for {what}" + (lastError is null ? "." : $" (last error: {lastError})."));
            }

            // A component is usually ready within a few polls: a short interval keeps `up` from waiting on its own timer.
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    private static void EnsureRunning(ComponentProcess component)
    {
        if (component.HasExited)
        {
            throw new StartFailedException($"The {component.Name} exited while starting: {LastLine(component)}");
        }
    }

    private static string LastLine(ComponentProcess component)
    {
        var lines = component.RecentLines;
        return lines.Count > 0 ? lines[^1] : "it printed nothing";
    }

    private async Task StopAllAsync()
    {
        await Task.WhenAll(_servers.Select(s => s.StopAsync(_grace)));
        foreach (var component in _infrastructure.AsEnumerable().Reverse())
        {
            await component.StopAsync(_grace);
        }

        foreach (var component in _servers.Concat(_infrastructure))
        {
            component.Dispose();
        }
    }

    private void Say(string message, LogLevel level = LogLevel.Information)
    {
        if (level < options.Log.Minimum)
        {
            return;
        }

        _output.WriteLine(options.Log.Format == LogFormat.Json
            ? JsonLogLine.Format(DateTimeOffset.UtcNow, "up", typeof(UpSupervisor).FullName!, level, default, message, exception: null, state: null)
            : ExerciseLogFormatter.FormatLine(DateTimeOffset.Now, "Roundabout", level, message, exception: null));
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed class StartFailedException(string message) : Exception(message);
}
