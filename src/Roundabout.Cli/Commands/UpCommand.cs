using System.CommandLine;
using Roundabout.Cli.Up;
using Roundabout.Contracts;

namespace Roundabout.Cli.Commands;

internal static class UpCommand
{
    public static Command Create()
    {
        var servers = NumberOption.Int("--servers", ["-n"], 1, 32, 2, "How many calculation servers to start, on consecutive ports from --first-server-port. Default: 2.");
        var registryPort = PortOption("--registry-port", DefaultPorts.Registry, "the registry");
        var databasePort = PortOption("--database-port", DefaultPorts.Database, "the database");
        var firstServerPort = PortOption("--first-server-port", DefaultPorts.Server, "the first server");
        var dataDir = new Option<string?>("--data-dir") { Description = "Where the database keeps its files (default: the database's own default, data/database)." };
        var inMemory = new Option<bool>("--in-memory") { Description = "Keep the database in memory only: nothing survives the session." };
        var policy = new Option<string?>("--policy")
        {
            Description = "The client's balancing policy: round-robin (default) or p2c.",
            Validators = { r => { if (ClientOptionSet.ParsePolicy(r.GetValueOrDefault<string?>()) is null) { r.AddError("--policy takes round-robin or p2c."); } } },
        };

        var command = new Command("up", "Starts the registry (8000), the database (8001) and N servers (9001...), waits until all are healthy, then opens the client menu. When the client exits, stops them all.")
        {
            servers, registryPort, databasePort, firstServerPort, dataDir, inMemory, policy,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(inMemory) && r.GetValue(dataDir) is not null)
            {
                r.AddError("--in-memory and --data-dir cannot be used together.");
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
                DataDir = result.GetValue(dataDir),
                InMemory = result.GetValue(inMemory),
                Policy = ClientOptionSet.ParsePolicy(result.GetValue(policy)) ?? Client.BalancingPolicy.RoundRobin,
            };
            return new UpSupervisor(options).RunAsync(cancellationToken);
        });
        return command;
    }

    private static Option<int> PortOption(string name, int defaultPort, string what) =>
        NumberOption.Int(name, [], 1, 65535, defaultPort, $"The port of {what}. Default: {defaultPort}.");
}
