using System.CommandLine;

namespace Roundabout.Cli.Commands;

internal static class UpCommand
{
    public static Command Create() => new("up", "Starts the registry, the database and servers, then opens the client menu.");
}
