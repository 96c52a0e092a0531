using System.Globalization;
using Roundabout.Contracts;

namespace Roundabout.Testing.Engines;

/// <summary>
/// A real single-member etcd on 127.0.0.1 with free client and peer ports and a temporary data
/// directory, waited on until its /health says so, and stopped and removed after.
/// </summary>
public sealed class EtcdServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly EngineProcess _process;

    private EtcdServer(string directory, int clientPort, EngineProcess process)
    {
        _directory = directory;
        ClientPort = clientPort;
        _process = process;
    }

    public int ClientPort { get; }

    public EndpointAddress Address => new("127.0.0.1", ClientPort);

    public static async Task<EtcdServer> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("roundabout-etcd-").FullName;
        var clientPort = FreePorts.Next();
        var peerPort = FreePorts.Next();
        var client = $"http://127.0.0.1:{clientPort.ToString(CultureInfo.InvariantCulture)}";
        var peer = $"http://127.0.0.1:{peerPort.ToString(CultureInfo.InvariantCulture)}";
        var process = EngineProcess.Start("etcd",
        [
            "--name", "test",
            "--data-dir", Path.Combine(directory, "data"),
            "--listen-client-urls", client,
            "--advertise-client-urls", client,
            "--listen-peer-urls", peer,
            "--initial-advertise-peer-urls", peer,
            "--initial-cluster", $"test={peer}",
            "--initial-cluster-state", "new",
            "--log-level", "warn",
        ]);
        var server = new EtcdServer(directory, clientPort, process);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            await Eventually.UntilAsync(
                async () => process.HasExited
                    ? throw new InvalidOperationException("etcd exited")
                    : (await http.GetStringAsync(new Uri($"{client}/health"))).Contains("\"health\":\"true\"", StringComparison.Ordinal),
                $"etcd reports healthy on {client} (its output:\n{process.Output}\n)",
                TimeSpan.FromSeconds(60));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
