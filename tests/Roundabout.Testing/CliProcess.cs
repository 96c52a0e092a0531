using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Roundabout.Testing;

/// <summary>
/// The real <c>roundabout</c> executable as a child process: its output is captured line by
/// line, it can be waited on, written to, stopped with SIGTERM, or killed as with <c>kill -9</c>.
/// The test project must reference Roundabout.Cli so that roundabout.dll sits beside the tests.
/// </summary>
public sealed class CliProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _errorLines = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CliProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public string Output => string.Join('\n', _lines);

    /// <summary>The lines written to stderr alone (<see cref="Lines"/> has both streams).</summary>
    public IReadOnlyList<string> ErrorLines => _errorLines.ToArray();

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public Task Exited => _exited.Task;

    public static string CliPath => Path.Combine(AppContext.BaseDirectory, "roundabout.dll");

    /// <summary>
    /// The environment variable that points the process tests at a built <c>roundabout</c>
    /// executable (such as the ahead-of-time build of <c>./roundabout</c>) instead of the
    /// roundabout.dll beside the tests, so the same tests check that build.
    /// </summary>
    public const string ExecutableVariable = "ROUNDABOUT_TEST_EXECUTABLE";

    public static CliProcess Start(params string[] args) => Start(args, environment: null);

    public static CliProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        var executable = Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } path ? Path.GetFullPath(path) : null;
        if (executable is null && !File.Exists(CliPath))
        {
            throw new InvalidOperationException($"roundabout.dll is not beside the tests ({CliPath}); reference Roundabout.Cli.");
        }

        if (executable is not null && !File.Exists(executable))
        {
            throw new InvalidOperationException($"{ExecutableVariable} names {executable}, which does not exist.");
        }

        return StartProgram(executable ?? "dotnet", executable is null ? [CliPath, .. args] : args, environment);
    }

    /// <summary>Starts any program (dotnet with a sample's dll, say) with its output collected like the CLI's.</summary>
    public static CliProcess StartProgram(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, e) => cli.Add(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                cli._errorLines.Enqueue(e.Data);
            }

            cli.Add(e.Data);
        };
        process.Exited += (_, _) => cli._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }

    /// <summary>Waits for a line that matches <paramref name="pattern"/> and returns its match.</summary>
    public async Task<Match> WaitForLineAsync(string pattern, TimeSpan? timeout = null)
    {
        var regex = new Regex(pattern);
        Match? found = null;
        await Eventually.UntilAsync(
            () =>
            {
                found = _lines.Select(l => regex.Match(l)).FirstOrDefault(m => m.Success);
                return found is not null || _process.HasExited && (found = _lines.Select(l => regex.Match(l)).FirstOrDefault(m => m.Success)) is not null;
            },
            $"a line matching /{pattern}/ (output so far:\n{Output}\n)",
            timeout);
        return found!;
    }

    /// <summary>Waits for a line like "... running on port :12345" or "localhost:12345" and returns the port.</summary>
    public async Task<int> WaitForPortAsync(string pattern, TimeSpan? timeout = null)
    {
        var match = await WaitForLineAsync(pattern, timeout);
        return int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>As <c>kill -9</c>: no chance to clean up.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>
    /// SIGKILL to this process alone, not its children: what a crash of it does to the processes
    /// it started (<see cref="Kill"/> takes the whole tree down).
    /// </summary>
    public void KillAlone()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, Signals.Kill);
        }
    }

    /// <summary>SIGSTOP: the process is frozen (its sockets stay open and accept connections, nothing answers).</summary>
    public void Pause() => _ = Kill(_process.Id, Signals.Stop);

    /// <summary>SIGCONT: a paused process carries on.</summary>
    public void Resume() => _ = Kill(_process.Id, Signals.Continue);

    /// <summary>Sends SIGTERM, as a service manager would.</summary>
    public void Terminate()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, Signals.Terminate);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        await _exited.Task.WaitAsync(timeout ?? TaskTimeouts.Default);
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
        }

        _process.Dispose();
    }

    /// <summary>Linux signal numbers.</summary>
    private static class Signals
    {
        public const int Kill = 9;
        public const int Terminate = 15;
        public const int Continue = 18;
        public const int Stop = 19;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
