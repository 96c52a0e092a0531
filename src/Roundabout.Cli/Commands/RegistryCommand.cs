using System.CommandLine;

namespace Roundabout.Cli.Commands;

internal static class RegistryCommand
{
    public static Command Create() => new("registry", "Runs the service registry (port 8000 by default).");
}
