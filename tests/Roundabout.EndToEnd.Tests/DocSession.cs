using System.Globalization;

namespace Roundabout.EndToEnd.Tests;

/// <summary>
/// Runs the commands a document shows against real processes. The document's ports (8000 for the
/// registry, 8001 for the database, 9001 and on for servers, and any other it names) are mapped
/// to free ports, in the same order, so the real output can be read back with the document's
/// ports; the registry's and the database's addresses reach every command through the environment
/// (ROUNDABOUT_REGISTRY, ROUNDABOUT_DATABASE), as a user could set them.
/// </summary>
internal sealed class DocSession : IAsyncDisposable
{
    private readonly Dictionary<int, int> _docToReal = [];
    private readonly List<CliProcess> _processes = [];
    private readonly List<string> _files = [];

    public DocSession(DocBlocks doc, params int[][] docPortBlocks)
    {
        Doc = doc;
        foreach (var block in docPortBlocks)
        {
            var first = FreePorts.Block(block.Length);
            for (var i = 0; i < block.Length; i++)
            {
                _docToReal[block[i]] = first + i;
            }
        }

        Output = new DocOutput(_docToReal.ToDictionary(p => p.Value, p => p.Key));
    }

    public DocBlocks Doc { get; }

    public DocOutput Output { get; }

    /// <summary>Processes started for a document's command, by the port their command line names.</summary>
    public Dictionary<int, CliProcess> ByDocPort { get; } = [];

    public int Real(int docPort) => _docToReal[docPort];

    /// <summary>A file a command writes in the tests' folder, deleted at the end.</summary>
    public void DeleteLater(string file) => _files.Add(file);

    /// <summary>Starts a command's process (or each of "a &amp; b &amp;"), with the document's ports mapped.</summary>
    public IReadOnlyList<CliProcess> Start(DocCommand command, Func<string[], string[]>? adjust = null)
    {
        var started = new List<CliProcess>();
        foreach (var docArgs in command.ParseBackground())
        {
            var args = docArgs.Select(MapPorts).ToArray();
            args = adjust?.Invoke(args) ?? args;
            var environment = new Dictionary<string, string>
            {
                ["ROUNDABOUT_REGISTRY"] = $"localhost:{Real(8000)}",
                ["ROUNDABOUT_DATABASE"] = $"localhost:{Real(8001)}",
            };
            if (args[0] is "registry" or "database" && !args.Contains("--port"))
            {
                environment["ROUNDABOUT_PORT"] = Real(args[0] == "registry" ? 8000 : 8001).ToString(CultureInfo.InvariantCulture);
            }

            if (args[0] == "verify" && args.Contains("--chaos"))
            {
                environment.Clear();
            }

            var process = CliProcess.Start(args, environment);
            _processes.Add(process);
            started.Add(process);
            if (Array.IndexOf(docArgs, "--port") is >= 0 and var at && at + 1 < docArgs.Length)
            {
                ByDocPort[int.Parse(docArgs[at + 1], CultureInfo.InvariantCulture)] = process;
            }
        }

        return started;
    }

    /// <summary>Runs a one-shot command to its end and checks its output, with "exit N" when the document echoes the code.</summary>
    public async Task<int> RunAsync(DocCommand command, Func<string[], string[]>? adjust = null, Func<Task>? meanwhile = null, TimeSpan? timeout = null)
    {
        var process = Assert.Single(Start(command, adjust));
        process.CloseInput();
        if (meanwhile is not null)
        {
            await meanwhile();
        }

        var code = await process.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(90));
        var lines = process.Lines.ToList();
        if (command.Parse().EchoesExitCode)
        {
            lines.Add($"exit {code}");
        }

        var problem = Output.Compare(command, command.ExpectedOutput(), lines, 0, complete: true, out _);
        Assert.True(problem is null, problem);
        return code;
    }

    /// <summary>Waits until the output of <paramref name="processes"/> shows what <paramref name="command"/> shows, from line <paramref name="from"/>.</summary>
    public async Task<int> ExpectAsync(DocCommand command, int from, params CliProcess[] processes)
    {
        string? problem = "nothing compared yet";
        var end = from;
        try
        {
            await Eventually.UntilAsync(
                () => (problem = Output.Compare(command, command.ExpectedOutput(), [.. processes.SelectMany(p => p.Lines)], from, complete: false, out end)) is null,
                $"the output shows {command.Where}");
        }
        catch (TimeoutException)
        {
            Assert.Fail(problem);
        }

        return end;
    }

    private string MapPorts(string arg)
    {
        foreach (var (doc, real) in _docToReal)
        {
            var text = doc.ToString(CultureInfo.InvariantCulture);
            if (arg == text)
            {
                return real.ToString(CultureInfo.InvariantCulture);
            }

            arg = arg.Replace("localhost:" + text, "localhost:" + real.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        return arg;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            await process.DisposeAsync();
        }

        foreach (var file in _files.Where(File.Exists))
        {
            File.Delete(file);
        }
    }
}
