using System.CommandLine;
using System.Net;
using Roundabout.Contracts;
using Roundabout.Server;

namespace Roundabout.Cli.Commands;

internal static class ServerCommand
{
    public static Command Create()
    {
        var port = CommonOptions.Port(DefaultPorts.Server, "the server");
        var listen = CommonOptions.Listen();
        var registry = CommonOptions.Registry();
        var database = CommonOptions.Database();
        var advertise = new Option<string>("--advertise-host")
        {
            Description = "The host name to register, so clients dial host:port. Default: localhost.",
            DefaultValueFactory = _ => "localhost",
        };
        var token = CommonOptions.Token();
        var metadata = KeyValueOption.Create("--metadata", "Metadata to register, as key=value (repeatable), for example --metadata version=1.2 --metadata weight=2.");

        var command = new Command("server", "Runs a calculation server: Sum, and Multiply on an accumulator kept in the shared database. It registers with the registry and leaves it on Ctrl-C or SIGTERM.")
        {
            port, listen, registry, database, advertise, token, metadata,
        };
        command.SetAction((result, _) =>
        {
            var options = new ServerHostOptions
            {
                Port = result.GetValue(port),
                Listen = IPAddress.Parse(result.GetValue(listen)!),
                Registry = EndpointAddress.ParseList(result.GetValue(registry)),
                Database = EndpointAddress.Parse(result.GetValue(database)),
                AdvertiseHost = result.GetValue(advertise)!,
                Token = result.GetValue(token),
                Metadata = KeyValueOption.ToDictionary(result.GetValue(metadata)),
            };
            return HostRunner.RunAsync("Server", options.Port, () => ServerHost.Build(options));
        });
        return command;
    }
}
