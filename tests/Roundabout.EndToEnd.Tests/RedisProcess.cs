using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Roundabout.EndToEnd.Tests;

/// <summary>A throwaway redis-server on a free loopback port, nothing kept on disk; killed on dispose.</summary>
internal sealed class RedisProcess : IDisposable
{
    private readonly Process _process;

    private RedisProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static RedisProcess Start()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var info = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start; install it ('./roundabout test' does).");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return new RedisProcess(process, port);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }
}
