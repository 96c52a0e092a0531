using System.CommandLine;
using System.Net;
using Roundabout.Contracts;
using Roundabout.Database;

namespace Roundabout.Cli.Commands;

internal static class DatabaseCommand
{
    public static Command Create()
    {
        var port = CommonOptions.Port(DefaultPorts.Database, "the database");
        var listen = CommonOptions.Listen();
        var metricsPort = CommonOptions.MetricsPort("the database");
        var dataDir = new Option<string>("--data-dir")
        {
            Description = "The directory of the log and snapshot; created if missing. Every write is fsynced there " +
                $"before it is acknowledged. Default: {DatabaseHostOptions.DefaultDataDirectory} under the working directory.",
            DefaultValueFactory = _ => DatabaseHostOptions.DefaultDataDirectory,
        };
        var inMemory = new Option<bool>("--in-memory")
        {
            Description = "Keep everything in memory only, for throwaway runs: nothing survives a stop. Cannot be combined with --data-dir.",
        };
        var command = new Command("database", "Runs the key-value database, the servers' shared memory (port 8001 by default). " +
            "Writes are durable by default: they are acknowledged only once fsynced to the data directory.")
        {
            port,
            listen,
            metricsPort,
            dataDir,
            inMemory,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(inMemory) && result.GetResult(dataDir) is { Implicit: false })
            {
                result.AddError("--in-memory and --data-dir cannot be combined: choose one.");
            }
        });
        command.SetAction(async (parse, _) =>
        {
            var options = new DatabaseHostOptions
            {
                Port = parse.GetValue(port),
                MetricsPort = parse.GetValue(metricsPort),
                Listen = IPAddress.Parse(parse.GetValue(listen)!),
                DataDirectory = parse.GetValue(dataDir)!,
                InMemory = parse.GetValue(inMemory),
            };
            try
            {
                return await HostRunner.RunAsync("Database", options.Port, () => DatabaseHost.Build(options), options.MetricsPort);
            }
            catch (StoreOpenException ex)
            {
                // A damaged log, a locked or unusable data directory: one line, no stack trace.
                return HostRunner.Fail("Database", ex.Message);
            }
        });
        return command;
    }
}
