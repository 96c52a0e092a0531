using System.CommandLine;
using Roundabout.Cli.Bench;
using Roundabout.Cli.Calls;
using Roundabout.Cli.Menu;
using Roundabout.Cli.Up;
using Roundabout.Cli.Verify;

namespace Roundabout.Cli.Commands;

/// <summary>The whole command tree of the roundabout executable.</summary>
internal static class RootCommandFactory
{
    /// <param name="time">The clock every command reads (TimeProvider.System, given by Program.cs).</param>
    public static RootCommand Create(TimeProvider time)
    {
        var root = new RootCommand(
            "Roundabout: a service registry with client-side load balancing. " +
            "Run 'roundabout up' to start everything and open the client menu. " +
            $"Every option can also be set in the environment as {EnvironmentOptions.Prefix}<OPTION> (--registry is ROUNDABOUT_REGISTRY, " +
            "--log-level is ROUNDABOUT_LOG_LEVEL; each option's help names its variable): the command line wins over the environment, " +
            "which wins over the default.")
        {
            UpCommand.Create(time),
            RegistryCommand.Create(time),
            DatabaseCommand.Create(time),
            ServerCommand.Create(time),
            DashboardCommand.Create(time),
            MenuCommand.Create(),
        };
        foreach (var command in ClientCallCommands.Create())
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(ClientServersCommand.Create(time));
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create(time));
        EnvironmentOptions.Describe(root);
        return root;
    }
}
