using System.Net;
using System.Net.Sockets;
using Roundabout.Cli.Launch;
using Roundabout.Contracts;

namespace Roundabout.Cli.Verify;

/// <summary>The ports of a chaos cluster; each one not given is a free one.</summary>
internal sealed record ChaosPorts(int? Registry = null, int? Database = null, int? FirstServer = null);

/// <summary>
/// The cluster <c>verify --chaos</c> runs on: a registry, a durable database in a temporary
/// directory and three servers, started by the same launcher as <c>up</c>'s (free ports unless
/// chosen), with their output in a log; components can be killed, restarted on the same port and
/// data, paused and resumed.
/// </summary>
internal sealed class ChaosCluster : IAsyncDisposable
{
    public const int ServerCount = 3;

    private static readonly TimeSpan _startTimeout = TimeSpan.FromSeconds(30);
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("roundabout-chaos-").FullName;
    private readonly LocalCluster _cluster;
    private readonly ReadinessProbe _probe;

    private ChaosCluster(TextWriter log, ChaosPorts ports, TimeProvider time)
    {
        // The cluster must be exactly as its arguments say: the children do not read this process's ROUNDABOUT_ variables.
        _cluster = new LocalCluster(new LaunchOutput(log, 10, JsonLines: false, time, InheritSettings: false));
        _probe = new ReadinessProbe(time, _startTimeout, tls: null, "verify --chaos");
        RegistryPort = ports.Registry ?? FreePort();
        DatabasePort = ports.Database ?? FreePort();
    }

    public int RegistryPort { get; }

    public int DatabasePort { get; }

    public EndpointAddress RegistryAddress => new("localhost", RegistryPort);

    public IReadOnlyList<string> Servers => _cluster.Servers.Select(s => s.Name).Order(StringComparer.Ordinal).ToArray();

    public static async Task<ChaosCluster> StartAsync(TextWriter log, bool unsafeMultiply, ChaosPorts ports, TimeProvider time, CancellationToken cancellationToken)
    {
        var cluster = new ChaosCluster(log, ports, time);
        try
        {
            await cluster.StartAllAsync(unsafeMultiply, ports.FirstServer, cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartAllAsync(bool unsafeMultiply, int? firstServerPort, CancellationToken cancellationToken)
    {
        var registry = _cluster.Start("registry", new RegistryArgs { Port = RegistryPort });
        var database = _cluster.Start("database", new DatabaseArgs { Port = DatabasePort, DataDir = _dataDirectory });
        await _probe.WaitHealthyAsync(registry, cancellationToken);
        await _probe.WaitHealthyAsync(database, cancellationToken);
        var servers = new List<ComponentProcess>();
        for (var i = 1; i <= ServerCount; i++)
        {
            servers.Add(_cluster.Start($"server-{i}", new ServerArgs
            {
                Port = firstServerPort is { } first ? first + i - 1 : FreePort(),
                Registry = RegistryAddress,
                Database = new EndpointAddress("localhost", DatabasePort),
                Extra = unsafeMultiply ? ["--unsafe-multiply"] : [],
            }));
        }

        await _probe.WaitRegisteredAsync(RegistryPort, servers, cancellationToken);
    }

    public Task KillAsync(string name) => _cluster[name].KillAsync();

    public void Pause(string name, bool paused) => _cluster[name].Pause(paused);

    /// <summary>Starts a killed component again with the same arguments: the same port, and for the database the same data.</summary>
    public async Task RestartAsync(string name, CancellationToken cancellationToken)
    {
        var component = _cluster.Restart(name);
        if (component.Args is DatabaseArgs)
        {
            await _probe.WaitHealthyAsync(component, cancellationToken);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _cluster.StopAllAsync(TimeSpan.FromSeconds(5));
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
