using System.Collections.Concurrent;
using System.Diagnostics;

namespace Roundabout.Testing.Engines;

/// <summary>
/// A real engine binary (redis-server, etcd) as a child process with its output captured. When the
/// binary is missing the test fails with the command that installs it: never a silent skip.
/// </summary>
public sealed class EngineProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private EngineProcess(Process process)
    {
        _process = process;
    }

    public string Output => string.Join('\n', _lines);

    public bool HasExited => _process.HasExited;

    public static EngineProcess Start(string binary, IEnumerable<string> args)
    {
        var path = Locate(binary);
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        var engine = new EngineProcess(process);
        process.OutputDataReceived += (_, e) => engine.Add(e.Data);
        process.ErrorDataReceived += (_, e) => engine.Add(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"{binary} did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return engine;
    }

    /// <summary>As <c>kill -9</c>: the engine gets no chance to flush anything.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().DefaultTimeout();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (TimeoutException)
        {
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }

    private static string Locate(string binary)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin")
            .Append("/usr/bin")
            .Select(dir => Path.Combine(dir, binary))
            .FirstOrDefault(File.Exists);
        return found ?? throw new InvalidOperationException(
            $"'{binary}' is not installed, and the scale-out tests need the real engine. Run 'bash .ci/install-engines.sh' (it installs redis-server and etcd-server).");
    }
}
