using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Roundabout.Cli.Up;
using Roundabout.Hosting;

namespace Roundabout.Cli.Commands;

/// <summary>
/// Every option of every command can also come from the environment, by one rule: the variable
/// is ROUNDABOUT_ and the option's long name in capitals with '-' as '_' (--registry is
/// ROUNDABOUT_REGISTRY, --log-level is ROUNDABOUT_LOG_LEVEL). The command line wins over the
/// environment, which wins over the default. An empty variable counts as unset.
/// </summary>
/// <remarks>
/// A value from the environment is handed to the parser exactly as if it had been typed
/// (<c>--port=9001</c>), so it is parsed and validated like a typed value; its errors name the
/// variable. Flags take true or false (also 1 or 0, yes or no, on or off). --help and --version
/// never come from the environment, and the variables that <c>up</c> sets for its children
/// (<see cref="Internal"/>) are not options.
/// </remarks>
internal static class EnvironmentOptions
{
    public const string Prefix = "ROUNDABOUT_";

    /// <summary>
    /// Variables that are not options, so no option may take their names: the two <c>up</c> sets
    /// for its own children, and the tracing switch every component reads with the OpenTelemetry
    /// variables (<see cref="Hosting.Telemetry.RenewalTracing.Variable"/>).
    /// </summary>
    public static readonly IReadOnlyList<string> Internal = [GrpcHost.InstanceVariable, Launch.SelfLauncher.ParentPidVariable, Hosting.Telemetry.RenewalTracing.Variable];

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Option, string> _named = [];

    /// <summary>The variable of an option: --multiply-batch is ROUNDABOUT_MULTIPLY_BATCH, unless the option was given its own name.</summary>
    public static string VariableFor(Option option) =>
        _named.TryGetValue(option, out var named) ? named : Prefix + option.Name.TrimStart('-').ToUpperInvariant().Replace('-', '_');

    /// <summary>
    /// The one exception to the rule: an option whose variable must match another command's
    /// option (the database's --token reads ROUNDABOUT_DATABASE_TOKEN, as the server's
    /// --database-token does, so one variable configures both ends and never the registry's).
    /// </summary>
    public static TOption ReadFrom<TOption>(this TOption option, string variable)
        where TOption : Option
    {
        _named.AddOrUpdate(option, variable);
        return option;
    }

    /// <summary>The options of a command that the environment can give.</summary>
    public static IEnumerable<Option> Eligible(Command command) =>
        command.Options.Where(o => o is not HelpOption and not VersionOption);

    /// <summary>Adds "[env: VARIABLE]" to the help of every option under <paramref name="root"/>.</summary>
    /// <exception cref="InvalidOperationException">An option would take an internal variable's name.</exception>
    public static void Describe(Command root)
    {
        foreach (var command in root.Subcommands)
        {
            foreach (var option in Eligible(command))
            {
                var variable = VariableFor(option);
                if (Internal.Contains(variable, StringComparer.Ordinal))
                {
                    throw new InvalidOperationException($"The option {option.Name} of '{command.Name}' would be read from {variable}, which is internal; rename the option.");
                }

                option.Description = $"{option.Description} [env: {variable}]";
            }

            Describe(command);
        }
    }

    /// <summary>Parses <paramref name="args"/>, then fills the options absent from them from the environment.</summary>
    /// <param name="environment">Reads a variable (<see cref="Environment.GetEnvironmentVariable(string)"/>, or a dictionary in tests).</param>
    public static EnvironmentParse Parse(RootCommand root, IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var typed = root.Parse(args);
        // --help, --version or a directive runs instead of the command: nothing to fill in.
        if (typed.Action is not null and not ParseErrorAction && typed.Action != typed.CommandResult.Command.Action)
        {
            return new EnvironmentParse(typed, new Dictionary<Option, string>(), []);
        }

        var command = typed.CommandResult.Command;
        var sources = new Dictionary<Option, string>();
        var added = new List<string>();
        var errors = new List<string>();
        foreach (var option in Eligible(command))
        {
            var variable = VariableFor(option);
            if (Given(typed, option)
                || environment(variable) is not { Length: > 0 } value
                || OptionConflicts.RivalsOf(option).Any(rival => Given(typed, rival)))
            {
                continue;
            }

            sources[option] = variable;
            if (option.ValueType == typeof(bool) && FlagValue(value) is null)
            {
                // The parser would take a bad flag value for an argument: refuse it here.
                errors.Add($"{variable}: {option.Name} is a flag; it takes true or false (or 1 or 0); got '{value}'. Fix or unset {variable}, or give {option.Name} on the command line.");
                continue;
            }

            // One token, --name=value, so that a value starting with '-' stays this option's value.
            added.Add($"{option.Name}={(option.ValueType == typeof(bool) ? FlagValue(value) : value)}");
        }

        if (added.Count == 0)
        {
            return new EnvironmentParse(typed, sources, errors);
        }

        var at = InsertionPoint(args, command);
        return new EnvironmentParse(root.Parse([.. args.Take(at), .. added, .. args.Skip(at)]), sources, errors);
    }

    private static bool Given(ParseResult result, Option option) => result.GetResult(option) is { Implicit: false };

    private static string? FlagValue(string value) => value.Trim().ToLowerInvariant() switch
    {
        "1" or "true" or "yes" or "on" => "true",
        "0" or "false" or "no" or "off" => "false",
        _ => null,
    };

    /// <summary>Right after the command's name, so the values are options even before a '--'.</summary>
    private static int InsertionPoint(IReadOnlyList<string> args, Command command)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == command.Name || command.Aliases.Contains(args[i]))
            {
                return i + 1;
            }
        }

        // The command came from a response file: before any '--', else at the end.
        var doubleDash = args.ToList().IndexOf("--");
        return doubleDash >= 0 ? doubleDash : args.Count;
    }
}

/// <summary>A parse with the environment's values in, which option came from which variable, and the variables refused before parsing.</summary>
internal sealed record EnvironmentParse(ParseResult Result, IReadOnlyDictionary<Option, string> Sources, IReadOnlyList<string> EnvironmentErrors)
{
    public bool IsError => EnvironmentErrors.Count > 0 || Result.Action is ParseErrorAction;

    /// <summary>The variable an error's option came from, if it came from the environment.</summary>
    public (Option Option, string Variable)? SourceOf(ParseError error)
    {
        var option = error.SymbolResult switch
        {
            OptionResult o => o.Option,
            ArgumentResult { Parent: OptionResult o } => o.Option,
            _ => null,
        };
        return option is not null && Sources.TryGetValue(option, out var variable) ? (option, variable) : null;
    }
}
