using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Roundabout.Testing;

/// <summary>
/// The real <c>roundabout</c> executable in a pseudo-terminal, as a person runs it: util-linux's
/// <c>script</c> gives it a terminal of a fixed size, keys are typed into it (Enter is a carriage
/// return, Ctrl-C and Ctrl-D their control characters, handled by the terminal as they would be),
/// and what it prints goes through a <see cref="TerminalScreen"/>, so tests read the screen a
/// person would see.
/// </summary>
public sealed class PtyProcess : IAsyncDisposable
{
    public const string Enter = "\r";
    public const string CtrlC = "\u0003";
    public const string CtrlD = "\u0004";

    private readonly Process _process;
    private readonly TerminalScreen _screen;
    private readonly Lock _lock = new();
    private readonly Task _reading;

    private PtyProcess(Process process, TerminalScreen screen)
    {
        _process = process;
        _screen = screen;
        _reading = ReadAsync();
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>roundabout</c> with <paramref name="args"/> in a terminal of <paramref name="columns"/> by <paramref name="rows"/>.</summary>
    public static PtyProcess Start(IEnumerable<string> args, int columns = 100, int rows = 30)
    {
        if (!File.Exists(CliProcess.CliPath))
        {
            throw new InvalidOperationException($"roundabout.dll is not beside the tests ({CliProcess.CliPath}); reference Roundabout.Cli.");
        }

        var command = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"stty cols {columns} rows {rows}; exec dotnet {Quote(CliProcess.CliPath)}"));
        foreach (var arg in args)
        {
            command.Append(' ').Append(Quote(arg));
        }

        // -e: exit with the program's exit code; -q: no banner; the typescript file is not wanted.
        var info = new ProcessStartInfo("script")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-q", "-e", "-c", command.ToString(), "/dev/null" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["TERM"] = "xterm";
        info.Environment["DOTNET_NOLOGO"] = "1";
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start 'script' (util-linux).");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return new PtyProcess(process, new TerminalScreen(columns, rows));
    }

    /// <summary>What the screen shows now, scrolled-off rows included.</summary>
    public string Text
    {
        get
        {
            lock (_lock)
            {
                return _screen.ToString();
            }
        }
    }

    /// <summary>Reads the screen under the lock that the output is fed under.</summary>
    public T Read<T>(Func<TerminalScreen, T> read)
    {
        lock (_lock)
        {
            return read(_screen);
        }
    }

    public async Task TypeAsync(string keys)
    {
        await _process.StandardInput.WriteAsync(keys);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits until the screen shows what <paramref name="condition"/> looks for.</summary>
    public Task WaitForScreenAsync(Func<TerminalScreen, bool> condition, string what, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(() => Read(condition), $"{what}; the screen:\n{Text}\n", timeout);

    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout ?? TaskTimeouts.Default);
        await _reading.WaitAsync(TimeSpan.FromSeconds(10));
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
        }

        _process.Dispose();
    }

    private async Task ReadAsync()
    {
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[4096];
        var chars = new char[4096];
        var stream = _process.StandardOutput.BaseStream;
        int read;
        while ((read = await stream.ReadAsync(bytes)) > 0)
        {
            var count = decoder.GetChars(bytes, 0, read, chars, 0);
            lock (_lock)
            {
                _screen.Feed(new string(chars, 0, count));
            }
        }
    }

    private static string Quote(string arg) => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
