using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Roundabout.Cli.Up;
using Roundabout.Contracts;
using Roundabout.Contracts.Registry.V1;
using Roundabout.Contracts.Security;
using RegistryApi = Roundabout.Contracts.Registry.V1.Registry;

namespace Roundabout.Cli.Verify;

/// <summary>
/// The cluster <c>verify --chaos</c> runs on: a registry, a durable database in a temporary
/// directory and three servers, as <c>up</c> starts them but on free ports, with their output in
/// a log; components can be killed, restarted on the same port and data, paused and resumed.
/// </summary>
internal sealed class ChaosCluster : IAsyncDisposable
{
    public const int ServerCount = 3;

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("roundabout-chaos-").FullName;
    private readonly TextWriter _log;
    private readonly bool _unsafe;
    private readonly Dictionary<string, (ComponentProcess Process, string[] Args)> _components = new(StringComparer.Ordinal);

    private ChaosCluster(TextWriter log, bool unsafeMultiply)
    {
        _log = log;
        _unsafe = unsafeMultiply;
        RegistryPort = FreePort();
        DatabasePort = FreePort();
    }

    public int RegistryPort { get; }

    public int DatabasePort { get; }

    public string RegistryAddress => $"localhost:{RegistryPort.ToString(CultureInfo.InvariantCulture)}";

    public IReadOnlyList<string> Servers => _components.Keys.Where(k => k.StartsWith("server", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();

    public static async Task<ChaosCluster> StartAsync(TextWriter log, bool unsafeMultiply, CancellationToken cancellationToken)
    {
        var cluster = new ChaosCluster(log, unsafeMultiply);
        try
        {
            cluster.Start("registry", ["registry", "--port", Text(cluster.RegistryPort)]);
            cluster.Start("database", ["database", "--port", Text(cluster.DatabasePort), "--data-dir", cluster._dataDirectory]);
            await cluster.WaitServingAsync(cluster.RegistryPort, cancellationToken);
            await cluster.WaitServingAsync(cluster.DatabasePort, cancellationToken);
            for (var i = 1; i <= ServerCount; i++)
            {
                string[] args = ["server", "--port", Text(FreePort()), "--registry", cluster.RegistryAddress, "--database", $"localhost:{Text(cluster.DatabasePort)}"];
                cluster.Start($"server-{i}", cluster._unsafe ? [.. args, "--unsafe-multiply"] : args);
            }

            await cluster.WaitRegisteredAsync(ServerCount, cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public Task KillAsync(string name) => _components[name].Process.KillAsync();

    public void Pause(string name, bool paused) => _components[name].Process.Pause(paused);

    /// <summary>Starts a killed component again with the same arguments: the same port, and for the database the same data.</summary>
    public async Task RestartAsync(string name, CancellationToken cancellationToken)
    {
        var (old, args) = _components[name];
        old.Dispose();
        Start(name, args);
        if (name == "database")
        {
            await WaitServingAsync(DatabasePort, cancellationToken);
        }
    }

    private void Start(string name, string[] args) =>
        _components[name] = (ComponentProcess.Start(name, int.Parse(args[2], CultureInfo.InvariantCulture), 10, args, _log, inheritSettings: false), args);

    private async Task WaitServingAsync(int port, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannels.ForAddress(new EndpointAddress("127.0.0.1", port), tls: null);
        var health = new Health.HealthClient(channel);
        await PollAsync(async () => (await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken)).Status == HealthCheckResponse.Types.ServingStatus.Serving, $"port {Text(port)} to serve", cancellationToken);
    }

    private async Task WaitRegisteredAsync(int count, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannels.ForAddress(new EndpointAddress("127.0.0.1", RegistryPort), tls: null);
        var registry = new RegistryApi.RegistryClient(channel);
        await PollAsync(async () => (await registry.ListInstancesAsync(new ListInstancesRequest { Service = ServiceNames.Calculator }, deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken)).Instances.Count >= count, $"{count} servers to register", cancellationToken);
    }

    private async Task PollAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            foreach (var (name, (process, _)) in _components)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"The {name} of the chaos cluster exited while starting: {string.Join(" / ", process.RecentLines.TakeLast(3))}");
                }
            }

            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (RpcException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The chaos cluster timed out waiting for {what}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, (process, _)) in _components.Reverse())
        {
            process.Pause(false);
            await process.StopAsync(TimeSpan.FromSeconds(5));
            process.Dispose();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
