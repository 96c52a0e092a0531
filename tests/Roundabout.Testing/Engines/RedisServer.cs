using System.Net.Sockets;
using System.Text;
using Roundabout.Contracts;

namespace Roundabout.Testing.Engines;

/// <summary>
/// A real redis-server on 127.0.0.1 and a free port, with the append-only file fsynced on every
/// write and no snapshots, in its own temporary directory. It can be killed with SIGKILL and started
/// again on the same port and directory, as after a crash.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory;
    private EngineProcess? _process;

    private RedisServer(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public EndpointAddress Address => new("127.0.0.1", Port);

    public static async Task<RedisServer> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("roundabout-redis-").FullName;
        var server = new RedisServer(directory, FreePorts.Next());
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts the process (again) on the same port and directory, and waits until it answers PING.</summary>
    public async Task RestartAsync()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("redis-server is still running; kill it first.");
        }

        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _process = EngineProcess.Start("redis-server",
        [
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--save", string.Empty,
            "--appendonly", "yes",
            "--appendfsync", "always",
            "--dir", _directory,
            "--daemonize", "no",
            "--protected-mode", "yes",
        ]);
        var process = _process;
        await Eventually.UntilAsync(
            async () => process.HasExited ? throw new InvalidOperationException("redis-server exited") : await PingAsync(),
            $"redis-server answers PING on port {Port} (its output:\n{process.Output}\n)",
            TimeSpan.FromSeconds(60));
    }

    public async Task KillAsync()
    {
        if (_process is not null)
        {
            await _process.KillAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<bool> PingAsync()
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await client.ConnectAsync("127.0.0.1", Port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
    }
}
