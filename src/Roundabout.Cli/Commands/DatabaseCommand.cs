using System.CommandLine;

namespace Roundabout.Cli.Commands;

internal static class DatabaseCommand
{
    public static Command Create() => new("database", "Runs the key-value database, the servers' shared memory (port 8001 by default).");
}
