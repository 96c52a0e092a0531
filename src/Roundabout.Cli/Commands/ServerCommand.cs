using System.CommandLine;

namespace Roundabout.Cli.Commands;

internal static class ServerCommand
{
    public static Command Create() => new("server", "Runs a calculation server (port 9001 by default).");
}
