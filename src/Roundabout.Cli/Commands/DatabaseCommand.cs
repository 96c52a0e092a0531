using System.CommandLine;
using System.Net;
using Roundabout.Contracts;
using Roundabout.Contracts.Security;
using Roundabout.Database;

namespace Roundabout.Cli.Commands;

internal static class DatabaseCommand
{
    /// <summary>The database's token when --token is absent; servers read the same variable for --database-token.</summary>
    public const string TokenEnvironmentVariable = "ROUNDABOUT_DATABASE_TOKEN";

    public static Command Create(TimeProvider time)
    {
        var runner = new HostRunner(time);
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
        var log = LogOptions.ForComponent();
        var command = new Command("database", "Runs the key-value database, the servers' shared memory (port 8001 by default). " +
            "Writes are durable by default: they are acknowledged only once fsynced to the data directory.")
        {
            port,
            listen,
            metricsPort,
            dataDir,
            inMemory,
        };
        var token = TokenOptions.DatabaseServer(
            "A shared secret every database call must carry (as 'authorization: Bearer <token>'); " +
            "servers and the dashboard pass it with --database-token. The health service stays open.");
        token.AddTo(command);
        var tls = TlsOptions.ForHost();
        tls.AddTo(command);
        log.AddTo(command);
        OptionConflicts.Exclusive(inMemory, dataDir);
        command.Validators.Add(result =>
        {
            if (result.GetValue(inMemory) && result.GetResult(dataDir) is { Implicit: false })
            {
                result.AddError("--in-memory and --data-dir cannot be combined: choose one.");
            }
        });
        command.SetAction(async (parse, _) =>
        {
            var logSettings = log.Read(parse);
            try
            {
                var options = new DatabaseHostOptions
                {
                    Port = parse.GetValue(port),
                    MetricsPort = parse.GetValue(metricsPort),
                    Listen = IPAddress.Parse(parse.GetValue(listen)!),
                    DataDirectory = parse.GetValue(dataDir)!,
                    InMemory = parse.GetValue(inMemory),
                    Token = token.Read(parse),
                    Tls = tls.BuildServer(parse),
                    Log = logSettings,
                };
                return await runner.RunAsync("Database", options.Port, options.Log, () => DatabaseHost.Build(options), options.MetricsPort);
            }
            catch (TlsFileException ex)
            {
                return runner.Fail("Database", logSettings, ex.Message);
            }
            catch (StoreOpenException ex)
            {
                // A damaged log, a locked or unusable data directory: one line, no stack trace.
                return runner.Fail("Database", logSettings, ex.Message);
            }
        });
        return command;
    }
}
