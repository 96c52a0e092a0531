using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Roundabout.Cli.Launch;

/// <summary>One component of a local cluster, a child process, with its output prefixed by its name.</summary>
internal sealed partial class ComponentProcess : IDisposable
{
    private readonly Process _process;
    private readonly TextWriter _output;
    private readonly Lock _recentLock = new();
    private readonly Queue<string> _recent = new();

    private ComponentProcess(string name, ComponentArgs args, Process process, TextWriter output)
    {
        Name = name;
        Args = args;
        _process = process;
        _output = output;
    }

    public string Name { get; }

    /// <summary>Its command line: a restart starts it again with the same one.</summary>
    public ComponentArgs Args { get; }

    /// <summary>The port it was told to listen on.</summary>
    public int Port => Args.Port;

    /// <summary>Unique to this child: it answers every call with it in a response header.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Completes when the process has exited.</summary>
    public Task Exited => _process.WaitForExitAsync();

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines it printed, to explain a failure to start.</summary>
    public IReadOnlyList<string> RecentLines
    {
        get
        {
            lock (_recentLock)
            {
                return _recent.ToArray();
            }
        }
    }

    public static ComponentProcess Start(string name, ComponentArgs args, LaunchOutput output)
    {
        var info = SelfLauncher.StartInfo(args.ToArgs(), output.InheritSettings);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        var process = new Process { StartInfo = info };
        var component = new ComponentProcess(name, args, process, output.Writer);
        info.Environment[SelfLauncher.InstanceVariable] = component.InstanceId;
        Func<string, string> shape = output.JsonLines ? line => ChildJsonLine.Tag(name, line, output.Time) : line => name.PadRight(output.PrefixWidth) + " | " + line;
        process.OutputDataReceived += (_, e) => component.Relay(shape, e.Data);
        process.ErrorDataReceived += (_, e) => component.Relay(shape, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return component;
    }

    private void Relay(Func<string, string> shape, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_recentLock)
        {
            _recent.Enqueue(line);
            if (_recent.Count > 20)
            {
                _recent.Dequeue();
            }
        }

        _output.WriteLine(shape(line));
    }

    /// <summary>Asks it to stop as SIGTERM does, waits, and kills it if it does not stop in time.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        _ = SendSignal(_process.Id, SigTerm);
        try
        {
            await _process.WaitForExitAsync().WaitAsync(grace);
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>As <c>kill -9</c>: no chance to deregister, flush or answer.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>SIGSTOP or SIGCONT: the process freezes, or goes on, with its sockets open.</summary>
    public void Pause(bool paused)
    {
        if (!_process.HasExited)
        {
            _ = SendSignal(_process.Id, paused ? SigStop : SigCont);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private const int SigTerm = 15;
    private const int SigStop = 19;
    private const int SigCont = 18;

    // .NET can kill a process but not send it SIGTERM; the graceful stop (deregister, then drain) needs SIGTERM.
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
