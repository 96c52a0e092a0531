using System.CommandLine;
using Roundabout.Cli.Commands;
using Roundabout.Cli.ClientSetup;
using Roundabout.Cli.Launch;
using Roundabout.Cli.Terminal;

namespace Roundabout.Cli.Menu;

/// <summary><c>roundabout client</c>: the interactive menu.</summary>
internal static class MenuCommand
{
    public static Command Create()
    {
        var set = new ClientOptionSet();
        var watch = new Option<bool>("--watch")
        {
            Description = "Follow the registry's changes live instead of keeping the list fetched at start.",
        };
        var command = new Command(
            "client",
            "Opens the interactive client menu. The server list is fetched once at start and cached; calls are balanced " +
            "over it and fail over to another server. Option 4 fetches the list again.");
        set.AddTo(command);
        command.Options.Add(watch);
        command.SetAction(async (result, cancellationToken) =>
        {
            // Started by up, which has gone (kill -9): nobody is left to use the menu, so leave too.
            using var orphanWatch = ParentWatch.WhenParentExits(() => Environment.Exit(1));
            using var terminal = TerminalSession.ForStandardStreams();
            return await ClientRun.RunAsync(
                set.Build(result, result.GetValue(watch)),
                set.Log.Read(result),
                client => new ClientMenu(client, terminal.Menu).RunAsync(cancellationToken),
                logOutput: terminal.LogOutput);
        });
        return command;
    }
}
