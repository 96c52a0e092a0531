using System.CommandLine;
using System.Text.RegularExpressions;
using Roundabout.Cli.Commands;

namespace Roundabout.Cli.Tests;

/// <summary>
/// docs/operations.md's "Every variable" table names every ROUNDABOUT_ variable the code reads:
/// the variable of every option of every command (the one rule), and every other name written in
/// the sources.
/// </summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed partial class OperationsVariableTableTests
{
    [Fact]
    public void EveryVariableTable_HasARowForEveryOptionsVariable_AndNoRowForAVariableNothingReads()
    {
        var table = TableVariables();
        var options = OptionVariables(RootCommandFactory.Create(TimeProvider.System)).ToHashSet(StringComparer.Ordinal);

        Assert.True(options.Count > 40, $"only {options.Count} option variables found");
        var missing = string.Join(", ", options.Except(table).Order(StringComparer.Ordinal));
        var stale = string.Join(", ", table.Except(options).Order(StringComparer.Ordinal));
        Assert.True(missing.Length == 0, $"docs/operations.md, 'Every variable', has no row for {missing}");
        Assert.True(stale.Length == 0, $"docs/operations.md, 'Every variable', has rows for {stale}, which no option reads");
    }

    [Fact]
    public void OperationsDoc_NamesEveryVariableWrittenInTheSources()
    {
        var doc = RepositoryFiles.Read("docs/operations.md");
        var named = Directory.EnumerateFiles(Path.Combine(RepositoryFiles.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => VariableLiteral().Matches(File.ReadAllText(f)).Select(m => m.Groups["name"].Value))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Contains("ROUNDABOUT_INSTANCE", named);
        var unnamed = string.Join(", ", named.Where(v => !doc.Contains($"`{v}`", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.True(unnamed.Length == 0, $"docs/operations.md does not name {unnamed}");
    }

    private static IEnumerable<string> OptionVariables(Command command) =>
        command.Subcommands.SelectMany(c => EnvironmentOptions.Eligible(c).Select(EnvironmentOptions.VariableFor).Concat(OptionVariables(c)));

    private static HashSet<string> TableVariables()
    {
        var doc = RepositoryFiles.Read("docs/operations.md");
        var start = doc.IndexOf("### Every variable", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/operations.md has no '### Every variable' section");
        var end = doc.IndexOf("\n#", start + 1, StringComparison.Ordinal);
        var section = doc[start..(end < 0 ? doc.Length : end)];
        return TableRow().Matches(section).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>A variable's full name in a string literal ("ROUNDABOUT_" alone is the prefix of the rule).</summary>
    [GeneratedRegex("\"(?<name>ROUNDABOUT_[A-Z0-9_]*[A-Z0-9])\"")]
    private static partial Regex VariableLiteral();

    [GeneratedRegex(@"^\| `(?<name>ROUNDABOUT_[A-Z0-9_]+)` \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
