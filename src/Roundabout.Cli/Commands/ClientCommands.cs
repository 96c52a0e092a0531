using System.CommandLine;

namespace Roundabout.Cli.Commands;

internal static class ClientCommands
{
    public static IEnumerable<Command> Create() =>
    [
        new("client", "Opens the interactive client menu."),
        new("sum", "Computes A + B on one server and prints the result."),
        new("multiply", "Multiplies the accumulator by a factor on one server and prints the result."),
        new("servers", "Lists the servers the registry knows."),
    ];
}
