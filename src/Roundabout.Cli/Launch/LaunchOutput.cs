namespace Roundabout.Cli.Launch;

/// <summary>Where the components' lines go, and how they are shaped.</summary>
/// <param name="Writer">Every line of every component, as it comes.</param>
/// <param name="PrefixWidth">The width of the name before each line ("server-9001 | ...").</param>
/// <param name="JsonLines">The children log JSON: their lines are passed on as they are, one object per line, with a "Process" field naming each, instead of behind a name prefix.</param>
/// <param name="Time">The clock of a line that must be wrapped in JSON.</param>
/// <param name="InheritSettings">Whether the children read the ROUNDABOUT_ variables of this process's environment as their options.</param>
internal sealed record LaunchOutput(TextWriter Writer, int PrefixWidth, bool JsonLines, TimeProvider Time, bool InheritSettings = true);
