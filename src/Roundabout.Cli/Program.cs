using System.CommandLine;
using Roundabout.Cli.Commands;

var root = new RootCommand(
    "Roundabout: a service registry with client-side load balancing. " +
    "Run 'roundabout up' to start everything and open the client menu.")
{
    UpCommand.Create(),
    RegistryCommand.Create(),
    DatabaseCommand.Create(),
    ServerCommand.Create(),
    DashboardCommand.Create(),
};
foreach (var command in ClientCommands.Create())
{
    root.Subcommands.Add(command);
}

var parse = root.Parse(args);
if (ParseErrors.IsError(parse))
{
    return ParseErrors.Report(parse, Console.Error);
}

// Hosts handle Ctrl-C and SIGTERM themselves (graceful shutdown), so the parser must not.
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
