using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Roundabout.Cli.Commands;

/// <summary>
/// A command line that does not parse gets one line per error, naming the option and what it
/// takes, and exit code 2 (the usual code for a usage error); no help page, no stack trace. An
/// error in a value from the environment names the variable.
/// </summary>
internal static class ParseErrors
{
    public const int ExitCode = 2;

    public static int Report(EnvironmentParse parse, TextWriter error)
    {
        var result = parse.Result;
        var command = result.CommandResult.Command is RootCommand ? "roundabout" : $"roundabout {result.CommandResult.Command.Name}";
        var errors = parse.EnvironmentErrors.Concat(result.Errors.Select(e => Describe(parse, e))).Distinct(StringComparer.Ordinal).ToArray();
        for (var i = 0; i < errors.Length; i++)
        {
            var hint = i == errors.Length - 1 ? $" (see '{command} --help')" : string.Empty;
            error.WriteLine($"Error: {OneLine(errors[i])}{hint}");
        }

        return ExitCode;
    }

    private static string Describe(EnvironmentParse parse, ParseError error)
    {
        if (parse.SourceOf(error) is var (option, variable))
        {
            return $"{variable}: {error.Message} Fix or unset {variable}, or give {option.Name} on the command line.";
        }

        // A clash between options, one of which came from the environment: say so.
        var fromEnvironment = parse.Sources
            .Where(s => Regex.IsMatch(error.Message, $@"(?<![\w-]){Regex.Escape(s.Key.Name)}(?![\w-])"))
            .Select(s => $"{s.Key.Name} came from {s.Value}")
            .ToArray();
        return fromEnvironment.Length == 0 ? error.Message : $"{error.Message} ({string.Join("; ", fromEnvironment)})";
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
