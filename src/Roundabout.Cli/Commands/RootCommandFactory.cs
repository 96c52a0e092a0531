using System.CommandLine;

namespace Roundabout.Cli.Commands;

/// <summary>The whole command tree of the roundabout executable.</summary>
internal static class RootCommandFactory
{
    public static RootCommand Create()
    {
        var root = new RootCommand(
            "Roundabout: a service registry with client-side load balancing. " +
            "Run 'roundabout up' to start everything and open the client menu. " +
            $"Every option can also be set in the environment as {EnvironmentOptions.Prefix}<OPTION> (--registry is ROUNDABOUT_REGISTRY, " +
            "--log-level is ROUNDABOUT_LOG_LEVEL; each option's help names its variable): the command line wins over the environment, " +
            "which wins over the default.")
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

        EnvironmentOptions.Describe(root);
        return root;
    }
}
