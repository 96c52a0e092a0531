using System.CommandLine;
using System.Text.RegularExpressions;
using Roundabout.Cli.Commands;

namespace Roundabout.Cli.Tests;

/// <summary>What --help prints: the spellings the docs use, each default once, every policy name.</summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed partial class HelpTextTests
{
    [Theory]
    [InlineData("registry")]
    [InlineData("database")]
    [InlineData("server")]
    [InlineData("dashboard")]
    public void ComponentHelp_ListsPortWithBothAliases(string command)
    {
        var help = Help(command);

        Assert.Matches(@"(?m)^  -p, --port, -port <port>  +The port ", help);
    }

    [Theory]
    [InlineData("registry")]
    [InlineData("server")]
    [InlineData("up")]
    [InlineData("dashboard")]
    [InlineData("bench")]
    public void Help_PrintsEachDefaultOnce(string command)
    {
        var help = Help(command);

        Assert.Contains("[default: ", help, StringComparison.Ordinal);
        foreach (var line in help.Split('\n').Where(l => l.Contains("[default: ", StringComparison.Ordinal)))
        {
            Assert.DoesNotMatch(DefaultInText(), line);
        }
    }

    [Theory]
    [InlineData("client")]
    [InlineData("up")]
    public void PolicyHelp_ListsRr(string command)
    {
        var policy = Assert.Single(Help(command).Split('\n'), l => l.TrimStart().StartsWith("--policy", StringComparison.Ordinal));

        Assert.Contains("rr", policy, StringComparison.Ordinal);
    }

    private static string Help(string command)
    {
        var root = RootCommandFactory.Create(TimeProvider.System);
        using var text = new StringWriter();
        using (var output = HelpLabels.Relabelling(root, text))
        {
            root.Parse([command, "--help"]).Invoke(new InvocationConfiguration { Output = output });
        }

        return text.ToString();
    }

    /// <summary>"Default: 2." in the description of an option whose help also ends with "[default: 2]".</summary>
    [GeneratedRegex(@"Default: [^ ]+\..*\[default: ")]
    private static partial Regex DefaultInText();
}
