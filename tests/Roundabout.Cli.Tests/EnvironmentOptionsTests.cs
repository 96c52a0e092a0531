using System.CommandLine;
using System.CommandLine.Help;
using Roundabout.Cli.Commands;

namespace Roundabout.Cli.Tests;

/// <summary>The one rule for every option: the command line wins over ROUNDABOUT_&lt;OPTION&gt;, which wins over the default.</summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed class EnvironmentOptionsTests
{
    private static readonly RootCommand _root = RootCommandFactory.Create(TimeProvider.System);

    [Fact]
    public void Port_CommandLineBeatsEnvironmentBeatsDefault()
    {
        var byDefault = Parse([], "server");
        var fromEnvironment = Parse(new() { ["ROUNDABOUT_PORT"] = "9100" }, "server");
        var fromCommandLine = Parse(new() { ["ROUNDABOUT_PORT"] = "9100" }, "server", "--port", "9200");

        Assert.Equal(9001, byDefault.Result.GetValue<int>("--port"));
        Assert.Equal(9100, fromEnvironment.Result.GetValue<int>("--port"));
        Assert.Equal(9200, fromCommandLine.Result.GetValue<int>("--port"));
        Assert.False(fromCommandLine.IsError);
    }

    [Fact]
    public void Registry_FromTheEnvironment_ReachesAOneShotCommandWithArgumentsAfterADoubleDash()
    {
        var parse = Parse(new() { ["ROUNDABOUT_REGISTRY"] = "localhost:18000" }, "sum", "--", "-5", "3");

        Assert.False(parse.IsError, string.Join("; ", parse.Result.Errors.Select(e => e.Message)));
        Assert.Equal("localhost:18000", parse.Result.GetValue<string>("--registry"));
        Assert.Equal("-5", parse.Result.GetValue<string>("A"));
    }

    [Fact]
    public void BadValueInTheEnvironment_IsAnErrorNamingTheVariable_ExitTwo()
    {
        var parse = Parse(new() { ["ROUNDABOUT_PORT"] = "abc" }, "server");
        var error = new StringWriter();

        Assert.True(parse.IsError);
        Assert.Equal(2, ParseErrors.Report(parse, error));
        Assert.Equal(
            "Error: ROUNDABOUT_PORT: --port takes a whole number from 0 to 65535; got 'abc'. Fix or unset ROUNDABOUT_PORT, or give --port on the command line. (see 'roundabout server --help')",
            error.ToString().TrimEnd());
    }

    [Fact]
    public void BadValueInTheEnvironment_IsNotReadWhenTheCommandLineGivesTheOption()
    {
        var parse = Parse(new() { ["ROUNDABOUT_PORT"] = "abc", ["ROUNDABOUT_LOG_LEVEL"] = "loud" }, "server", "--port", "9002", "--log-level", "warning");

        Assert.False(parse.IsError);
        Assert.Equal(9002, parse.Result.GetValue<int>("--port"));
    }

    [Fact]
    public void Help_IgnoresTheEnvironment()
    {
        var parse = Parse(new() { ["ROUNDABOUT_PORT"] = "abc" }, "server", "--help");

        Assert.False(parse.IsError);
        Assert.IsType<HelpAction>(parse.Result.Action);
        Assert.Empty(parse.Sources);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("Yes", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    [InlineData("off", false)]
    public void Flag_FromTheEnvironment_TakesTrueFalseOneOrZero(string value, bool expected)
    {
        var parse = Parse(new() { ["ROUNDABOUT_IN_MEMORY"] = value }, "database");

        Assert.False(parse.IsError);
        Assert.Equal(expected, parse.Result.GetValue<bool>("--in-memory"));
    }

    [Fact]
    public void Flag_WithAnotherValue_IsAnErrorNamingTheVariable()
    {
        var parse = Parse(new() { ["ROUNDABOUT_JSON"] = "maybe" }, "sum", "1", "2");
        var error = new StringWriter();

        Assert.True(parse.IsError);
        Assert.Equal(2, ParseErrors.Report(parse, error));
        Assert.StartsWith("Error: ROUNDABOUT_JSON: --json is a flag; it takes true or false (or 1 or 0); got 'maybe'.", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ValueThatLooksLikeAnOption_StaysTheOptionsValue()
    {
        var parse = Parse(new() { ["ROUNDABOUT_TOKEN"] = "--help" }, "registry");

        Assert.False(parse.IsError);
        Assert.IsNotType<HelpAction>(parse.Result.Action);
        Assert.Equal("--help", parse.Result.GetValue<string?>("--token"));
    }

    [Fact]
    public void EmptyVariable_CountsAsUnset()
    {
        var parse = Parse(new() { ["ROUNDABOUT_PORT"] = string.Empty }, "server");

        Assert.False(parse.IsError);
        Assert.Equal(9001, parse.Result.GetValue<int>("--port"));
        Assert.Empty(parse.Sources);
    }

    [Fact]
    public void EnvironmentValue_YieldsToItsRivalOnTheCommandLine()
    {
        var parse = Parse(new() { ["ROUNDABOUT_DATA_DIR"] = "/srv/roundabout" }, "database", "--in-memory");

        Assert.False(parse.IsError);
        Assert.True(parse.Result.GetValue<bool>("--in-memory"));
        Assert.Empty(parse.Sources);
    }

    [Fact]
    public void RivalsBothFromTheEnvironment_AreRefusedNamingBothVariables()
    {
        var parse = Parse(new() { ["ROUNDABOUT_DATA_DIR"] = "/srv/roundabout", ["ROUNDABOUT_IN_MEMORY"] = "true" }, "database");
        var error = new StringWriter();

        ParseErrors.Report(parse, error);

        Assert.Contains("--data-dir came from ROUNDABOUT_DATA_DIR", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--in-memory came from ROUNDABOUT_IN_MEMORY", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryOptionOfEveryCommand_NamesItsVariableInItsHelp_AndNoneIsInternal()
    {
        var options = _root.Subcommands.SelectMany(c => EnvironmentOptions.Eligible(c).Select(o => (Command: c, Option: o))).ToArray();

        Assert.True(options.Length > 50, $"only {options.Length} options found");
        Assert.All(options, x =>
        {
            var variable = EnvironmentOptions.VariableFor(x.Option);
            Assert.EndsWith($"[env: {variable}]", x.Option.Description, StringComparison.Ordinal);
            Assert.DoesNotContain(variable, EnvironmentOptions.Internal);
        });
        Assert.Contains(options, x => EnvironmentOptions.VariableFor(x.Option) == "ROUNDABOUT_MULTIPLY_BATCH");
        Assert.Contains(options, x => EnvironmentOptions.VariableFor(x.Option) == "ROUNDABOUT_LOG_FORMAT" && x.Command.Name == "sum");
    }

    private static EnvironmentParse Parse(Dictionary<string, string> environment, params string[] args) =>
        EnvironmentOptions.Parse(_root, args, name => environment.GetValueOrDefault(name));
}
