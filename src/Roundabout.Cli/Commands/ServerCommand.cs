using System.CommandLine;
using System.Net;
using Roundabout.Contracts;
using Roundabout.Contracts.Security;
using Roundabout.Hosting;
using Roundabout.Server;
using Roundabout.Server.Faults;

namespace Roundabout.Cli.Commands;

internal static class ServerCommand
{
    public static Command Create(TimeProvider time)
    {
        var runner = new HostRunner(time);
        var port = CommonOptions.Port(DefaultPorts.Server, "the server");
        var listen = CommonOptions.Listen();
        var metricsPort = CommonOptions.MetricsPort("the server");
        var registry = CommonOptions.Registry();
        var database = CommonOptions.Database();
        var store = new Option<string?>("--store")
        {
            Description = "Where the accumulators live: roundabout://host:port (the embedded database, the default; the same as --database) " +
                "redis://host:port[,host:port...] (Redis, or a server that speaks its protocol), " +
                "or etcd://host:port[,host:port...] (etcd: replicated, survives losing a minority of its members).",
            Validators =
            {
                r =>
                {
                    try
                    {
                        StoreAddress.Parse(r.GetValueOrDefault<string?>());
                    }
                    catch (FormatException ex)
                    {
                        r.AddError($"--store: {ex.Message}");
                    }
                },
            },
        };
        var advertise = new Option<string>("--advertise-host")
        {
            Description = "The host name to register, so clients dial host:port.",
            DefaultValueFactory = _ => "localhost",
            Validators = { r => { if (!EndpointAddress.TryParse($"{r.GetValueOrDefault<string>()}:1", out _, out _)) { r.AddError("--advertise-host takes a host name or IP address, such as localhost or 10.0.0.5."); } } },
        };
        var token = TokenOptions.Registry(
            "The registry's shared token: registering, renewing and deregistering need it when the registry has one. " +
            "With it set, this server's own writes (reset) need the same token too.");
        var metadata = KeyValueOption.Create("--metadata", "Metadata to register, as key=value (repeatable), for example --metadata version=1.2 --metadata weight=2.");

        var multiplyBatch = NumberOption.Int(
            "--multiply-batch",
            [],
            1,
            ServerHostOptions.DefaultMultiplyBatch,
            ServerHostOptions.DefaultMultiplyBatch,
            $"The most concurrent multiplies of one accumulator combined into one store write (1 to {ServerHostOptions.DefaultMultiplyBatch}; 1 sends each on its own).");

        var unsafeMultiply = new Option<bool>("--unsafe-multiply")
        {
            Description = "For teaching only: Multiply reads, multiplies and writes back with no compare and no dedupe, as a naive port does, " +
                "so concurrent multiplies lose updates ('roundabout verify' shows it). Only with the embedded database.",
        };

        var injectLatency = FaultOptionText.Latency();
        var injectErrors = FaultOptionText.Errors();

        var databaseToken = TokenOptions.DatabaseClient(
            "The database's shared token, sent on every call to the embedded database (as 'authorization: Bearer <token>'); " +
            "needed when the database runs with --token (which reads the same variable). (--token is the registry's.)");
        var tls = TlsOptions.ForServer();
        var log = LogOptions.ForComponent();
        var command = new Command("server", "Runs a calculation server: Sum, and Multiply on an accumulator kept in the shared database. It registers with the registry and leaves it on Ctrl-C or SIGTERM.")
        {
            port, listen, metricsPort, registry, database, store, advertise, metadata, multiplyBatch, unsafeMultiply, injectLatency, injectErrors,
        };
        token.AddTo(command);
        databaseToken.AddTo(command);
        tls.AddTo(command);
        log.AddTo(command);
        OptionConflicts.Exclusive(store, database);
        command.Validators.Add(r =>
        {
            if (r.GetResult(store) is { Implicit: false } && r.GetResult(database) is { Implicit: false })
            {
                r.AddError("Give either --store or --database, not both: --store roundabout://host:port is the same as --database host:port.");
            }
        });
        command.SetAction((result, _) =>
        {
            ServerTls? serving;
            ClientTls? dialing;
            try
            {
                serving = tls.BuildServer(result);
                dialing = tls.BuildClient(result, caRequired: true);
            }
            catch (TlsFileException ex)
            {
                return Task.FromResult(runner.Fail("Server", log.Read(result), ex.Message));
            }

            var options = new ServerHostOptions
            {
                Port = result.GetValue(port),
                MetricsPort = result.GetValue(metricsPort),
                Listen = IPAddress.Parse(result.GetValue(listen)!),
                Registry = EndpointAddress.ParseList(result.GetValue(registry)),
                Database = EndpointAddress.Parse(result.GetValue(database)),
                Store = result.GetValue(store) is { } storeText ? StoreAddress.Parse(storeText) : null,
                AdvertiseHost = result.GetValue(advertise)!,
                Token = token.Read(result),
                DatabaseToken = databaseToken.Read(result),
                Tls = serving,
                DialTls = dialing,
                Metadata = KeyValueOption.ToDictionary(result.GetValue(metadata)),
                MultiplyBatch = result.GetValue(multiplyBatch),
                UnsafeMultiply = result.GetValue(unsafeMultiply),
                Faults = new FaultOptions { Latency = result.GetValue(injectLatency), ErrorRate = result.GetValue(injectErrors) },
                Log = log.Read(result),
            };
            return runner.RunAsync("Server", options.Port, options.Log, () => ServerHost.Build(options), options.MetricsPort);
        });
        return command;
    }
}
