using Roundabout.Cli.Commands;

var root = RootCommandFactory.Create(TimeProvider.System);
var parse = EnvironmentOptions.Parse(root, args, Environment.GetEnvironmentVariable);
if (parse.IsError)
{
    return ParseErrors.Report(parse, Console.Error);
}

foreach (var warning in TokenOptions.TypedWarnings(parse))
{
    Console.Error.WriteLine(warning);
}

// Hosts handle Ctrl-C and SIGTERM themselves (graceful shutdown), so the parser must not. What the
// parser itself writes (the help) lists every spelling of an option.
using var output = HelpLabels.Relabelling(root, Console.Out);
return await parse.Result.InvokeAsync(new System.CommandLine.InvocationConfiguration { ProcessTerminationTimeout = null, Output = output });
