using System.CommandLine;
using System.CommandLine.Invocation;

namespace Roundabout.Cli.Commands;

/// <summary>
/// A command line that does not parse gets one line per error, naming the option and what it
/// takes, and exit code 2 (the usual code for a usage error); no help page, no stack trace.
/// </summary>
internal static class ParseErrors
{
    public const int ExitCode = 2;

    public static bool IsError(ParseResult parse) => parse.Action is ParseErrorAction;

    public static int Report(ParseResult parse, TextWriter error)
    {
        var command = parse.CommandResult.Command is RootCommand ? "roundabout" : $"roundabout {parse.CommandResult.Command.Name}";
        var errors = parse.Errors.Select(e => e.Message).Distinct(StringComparer.Ordinal).ToArray();
        for (var i = 0; i < errors.Length; i++)
        {
            var hint = i == errors.Length - 1 ? $" (see '{command} --help')" : string.Empty;
            error.WriteLine($"Error: {OneLine(errors[i])}{hint}");
        }

        return ExitCode;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
