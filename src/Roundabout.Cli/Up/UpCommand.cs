using System.CommandLine;
using Roundabout.Cli.ClientSetup;
using Roundabout.Cli.Commands;
using Roundabout.Contracts;

namespace Roundabout.Cli.Up;

internal static class UpCommand
{
    public static Command Create(TimeProvider time)
    {
        var servers = NumberOption.Int("--servers", ["-n"], 1, 32, 2, "How many calculation servers to start, on consecutive ports from --first-server-port.");
        var registryPort = PortOption("--registry-port", DefaultPorts.Registry, "the registry");
        var databasePort = PortOption("--database-port", DefaultPorts.Database, "the database");
        var firstServerPort = PortOption("--first-server-port", DefaultPorts.Server, "the first server");
        var firstMetricsPort = NumberOption.Int("--first-metrics-port", [], 1, 65535 - 34, UpOptions.DefaultFirstMetricsPort,
            $"The registry's metrics port (Prometheus text at /metrics); the database takes the next one and the servers those after it.");
        var dashboardPort = PortOption("--dashboard-port", Dashboard.DashboardOptions.DefaultPort, "the dashboard's web page");
        var noDashboard = new Option<bool>("--no-dashboard") { Description = "Start no dashboard (the live web page)." };
        var dataDir = new Option<string?>("--data-dir") { Description = "Where the database keeps its files (default: the database's own default, data/database)." };
        var inMemory = new Option<bool>("--in-memory") { Description = "Keep the database in memory only: nothing survives the session." };
        var policy = ClientOptionSet.PolicyOption();

        var tls = new Option<bool>("--tls")
        {
            Description = "Run everything over TLS: up makes a throwaway CA and a certificate for localhost in a temporary directory " +
                "(deleted on exit), starts every component with it, and the client trusts it. Other clients can pass --tls-ca with the CA file it prints. The dashboard dials the cluster over TLS too; its own page stays plain HTTP on loopback.",
        };

        var log = LogOptions.ForComponent();
        var command = new Command("up", "Starts the registry (8000), the database (8001), N servers (9001...), each with its metrics (9464...), " +
            "and the dashboard (http://127.0.0.1:8080/), waits until all are healthy, then opens the client menu. When the client exits, stops them all.")
        {
            servers, registryPort, databasePort, firstServerPort, firstMetricsPort, dashboardPort, noDashboard, dataDir, inMemory, policy, tls,
        };
        log.AddTo(command);
        OptionConflicts.Exclusive(inMemory, dataDir);
        command.Validators.Add(r =>
        {
            if (r.GetValue(inMemory) && r.GetValue(dataDir) is not null)
            {
                r.AddError("--in-memory and --data-dir cannot be used together.");
            }

            if (r.GetValue(noDashboard) && r.GetResult(dashboardPort) is { Implicit: false })
            {
                r.AddError("--no-dashboard and --dashboard-port cannot be used together.");
            }
        });
        command.SetAction((result, cancellationToken) =>
        {
            var options = new UpOptions
            {
                Servers = result.GetValue(servers),
                RegistryPort = result.GetValue(registryPort),
                DatabasePort = result.GetValue(databasePort),
                FirstServerPort = result.GetValue(firstServerPort),
                FirstMetricsPort = result.GetValue(firstMetricsPort),
                // The dashboard dials in cleartext only, so a TLS cluster runs without it.
                DashboardPort = result.GetValue(noDashboard) ? null : result.GetValue(dashboardPort),
                DataDir = result.GetValue(dataDir),
                InMemory = result.GetValue(inMemory),
                Tls = result.GetValue(tls),
                Policy = result.GetValue(policy) ?? Client.BalancingPolicy.RoundRobin,
                Log = log.Read(result),
                LogArgs = [.. log.GivenArguments(result)],
            };
            return new UpSupervisor(options, time).RunAsync(cancellationToken);
        });
        return command;
    }

    private static Option<int> PortOption(string name, int defaultPort, string what) =>
        NumberOption.Int(name, [], 1, 65535, defaultPort, $"The port of {what}.");
}
