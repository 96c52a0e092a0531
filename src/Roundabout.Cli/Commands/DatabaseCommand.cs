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
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new DatabaseHostOptions
            {
                Port = parse.GetValue(port),
                Listen = IPAddress.Parse(parse.GetValue(listen)!),
                DataDirectory = parse.GetValue(dataDir)!,
                InMemory = parse.GetValue(inMemory),
            };
            try
            {
                await using var app = DatabaseHost.Build(options);
                await app.RunAsync();
                return Environment.ExitCode;
            }
            catch (StoreOpenException ex)
            {
                await Console.Error.WriteLineAsync($"roundabout database: cannot start: {ex.Message}");
                return 1;
            }
            catch (IOException ex)
            {
                // Kestrel reports a port in use this way.
                await Console.Error.WriteLineAsync($"roundabout database: cannot start: {ex.Message}");
                return 1;
            }
        });
        return command;
    }
}
