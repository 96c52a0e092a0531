using Roundabout.Cli.Launch;
using Roundabout.Contracts;

namespace Roundabout.Dashboard.Tests.Browser;

/// <summary>A registry, an in-memory database, servers and the dashboard, each a real roundabout process on a free loopback port.</summary>
internal sealed class DashboardCluster : IAsyncDisposable
{
    private const string Stamp = @"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} ";

    /// <summary>The registry's lease: a killed server is evicted at most this long after its last renewal.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(3);

    private readonly CliProcessGroup _processes = new();

    public CliProcess Registry { get; private set; } = null!;

    public int RegistryPort { get; private set; }

    public int DatabasePort { get; private set; }

    public string DashboardUrl { get; private set; } = string.Empty;

    public string RegistryAddress => $"localhost:{RegistryPort}";

    private EndpointAddress RegistryEndpoint => new("localhost", RegistryPort);

    private EndpointAddress DatabaseEndpoint => new("localhost", DatabasePort);

    /// <summary>Starts the cluster; each server gets <paramref name="serverArgs"/> (such as its metrics port).</summary>
    public static async Task<DashboardCluster> StartAsync(int servers, params string[] serverArgs)
    {
        var cluster = new DashboardCluster();
        try
        {
            await cluster.StartRegistryAsync(0);
            var database = cluster.Track(CliProcess.Start(new DatabaseArgs { Port = 0, InMemory = true }.ToArgs(), environment: null));
            cluster.DatabasePort = await database.WaitForPortAsync(Stamp + @"\[Database\] Shared Memory running on port :(?<port>\d+)$", TimeSpan.FromSeconds(90));
            for (var i = 0; i < servers; i++)
            {
                await cluster.StartServerAsync(serverArgs);
            }

            var dashboard = cluster.Track(CliProcess.Start(
                new DashboardArgs { Port = 0, Registry = cluster.RegistryEndpoint, Database = cluster.DatabaseEndpoint }.ToArgs(), environment: null));
            var port = await dashboard.WaitForPortAsync(Stamp + @"\[Dashboard\] Dashboard running on http://127\.0\.0\.1:(?<port>\d+)/ ", TimeSpan.FromSeconds(90));
            cluster.DashboardUrl = $"http://127.0.0.1:{port}/";
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the registry; port 0 picks a free one, a port from before starts it again there.</summary>
    public async Task StartRegistryAsync(int port)
    {
        Registry = Track(CliProcess.Start(new RegistryArgs { Port = port, Ttl = Ttl }.ToArgs(), environment: null));
        RegistryPort = await Registry.WaitForPortAsync(Stamp + @"\[Registry\] Service Registry running on port :(?<port>\d+)$", TimeSpan.FromSeconds(90));
    }

    public async Task<(CliProcess Process, string Address)> StartServerAsync(params string[] extra)
    {
        var process = Track(CliProcess.Start(new ServerArgs { Port = 0, Registry = RegistryEndpoint, Database = DatabaseEndpoint, Extra = extra }.ToArgs(), environment: null));
        var port = await process.WaitForPortAsync(Stamp + @"\[Server\] Server running on localhost:(?<port>\d+)\. Waiting for requests\.\.\.$", TimeSpan.FromSeconds(90));
        return (process, $"localhost:{port}");
    }

    /// <summary>Runs one client command (such as multiply) against the cluster to completion.</summary>
    public async Task<string> RunClientAsync(params string[] args)
    {
        await using var process = CliProcess.Start([.. args, "--registry", RegistryAddress], environment: null);
        process.CloseInput();
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(code == 0, $"roundabout {string.Join(' ', args)} exited with {code}:\n{process.Output}");
        return process.Output;
    }

    public CliProcess Track(CliProcess process) => _processes.Track(process);

    public async ValueTask DisposeAsync()
    {
        await _processes.DisposeAsync();
    }
}
