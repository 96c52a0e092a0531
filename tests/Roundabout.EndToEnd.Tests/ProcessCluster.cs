using Roundabout.Cli.Launch;
using Roundabout.Contracts;

namespace Roundabout.EndToEnd.Tests;

/// <summary>The exercise's terminals as real processes: a registry, a database and servers on free loopback ports.</summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    public const string Stamp = @"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} ";

    private readonly CliProcessGroup _processes = new();

    public CliProcess RegistryProcess { get; private set; } = null!;

    public CliProcess DatabaseProcess { get; private set; } = null!;

    public int RegistryPort { get; private set; }

    public int DatabasePort { get; private set; }

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "roundabout-e2e-" + Guid.NewGuid().ToString("N"));

    public List<(CliProcess Process, int Port)> Servers { get; } = [];

    public string RegistryAddress => $"localhost:{RegistryPort}";

    /// <summary>Arguments every component (registry, database, server) gets, such as --metrics-port 0.</summary>
    public IReadOnlyList<string> ComponentArgs { get; init; } = [];

    /// <summary>Environment variables every component gets, such as the OTLP endpoint.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    public static async Task<ProcessCluster> StartAsync(int servers, bool durable = false)
    {
        var cluster = new ProcessCluster();
        try
        {
            await cluster.StartRegistryAsync();
            await cluster.StartDatabaseAsync(durable);
            for (var i = 0; i < servers; i++)
            {
                await cluster.StartServerAsync();
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async Task StartRegistryAsync(int port = 0)
    {
        RegistryProcess = Track(CliProcess.Start(new RegistryArgs { Port = port, Extra = ComponentArgs }.ToArgs(), Environment));
        RegistryPort = await RegistryProcess.WaitForPortAsync(Stamp + @"\[Registry\] Service Registry running on port :(?<port>\d+)$");
    }

    public async Task StartDatabaseAsync(bool durable, int port = 0)
    {
        var args = new DatabaseArgs { Port = port, DataDir = durable ? DataDir : null, InMemory = !durable, Extra = ComponentArgs };
        DatabaseProcess = Track(CliProcess.Start(args.ToArgs(), Environment));
        DatabasePort = await DatabaseProcess.WaitForPortAsync(Stamp + @"\[Database\] Shared Memory running on port :(?<port>\d+)$");
    }

    public async Task<(CliProcess Process, int Port)> StartServerAsync()
    {
        var args = new ServerArgs { Port = 0, Registry = new EndpointAddress("localhost", RegistryPort), Database = new EndpointAddress("localhost", DatabasePort), Extra = ComponentArgs };
        var process = Track(CliProcess.Start(args.ToArgs(), Environment));
        var port = await process.WaitForPortAsync(Stamp + @"\[Server\] Server running on localhost:(?<port>\d+)\. Waiting for requests\.\.\.$");
        Servers.Add((process, port));
        return (process, port);
    }

    /// <summary>Runs one short-lived CLI command to completion.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        await using var process = CliProcess.Start(args);
        process.CloseInput();
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, process.Output);
    }

    public CliProcess Track(CliProcess process) => _processes.Track(process);

    public async ValueTask DisposeAsync()
    {
        await _processes.DisposeAsync();

        if (Directory.Exists(DataDir))
        {
            Directory.Delete(DataDir, recursive: true);
        }
    }
}
