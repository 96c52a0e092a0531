namespace Roundabout.EndToEnd.Tests;

[Trait(Tier.Name, Tier.Process)]
public sealed class CommandLineTests
{
    public static TheoryData<string> Commands => new()
    {
        "up", "registry", "database", "server", "dashboard", "client", "sum", "multiply", "servers", "accumulator", "reset", "bench", "verify",
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_EveryCommand_PrintsUsageAndExitsZero(string command)
    {
        var (code, output) = await ProcessCluster.RunAsync(command, "--help");

        Assert.Equal(0, code);
        // The usage line names the command itself (a description could mention any command's name).
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var usage = lines.IndexOf("Usage:");
        Assert.True(usage >= 0 && usage + 1 < lines.Count, $"no usage section:\n{output}");
        Assert.Matches($@"^\s+roundabout {command}( |$)", lines[usage + 1]);
    }

    [Fact]
    public async Task Help_Root_ListsEveryCommand()
    {
        var (code, output) = await ProcessCluster.RunAsync("--help");

        Assert.Equal(0, code);
        // The names that start the lines of the Commands section, not words anywhere in the text.
        var section = output.Split('\n').Select(l => l.TrimEnd('\r')).SkipWhile(l => l != "Commands:").Skip(1).TakeWhile(l => l.Length > 0);
        var listed = section.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^  (?<name>[a-z]+)( |$)")).Where(m => m.Success).Select(m => m.Groups["name"].Value).ToHashSet();
        foreach (var command in Commands)
        {
            Assert.Contains(command, listed);
        }
    }

    [Fact]
    public async Task UnknownCommand_FailsWithAMessage()
    {
        var (code, output) = await ProcessCluster.RunAsync("frobnicate");

        Assert.NotEqual(0, code);
        Assert.Contains("frobnicate", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("server", "--port", "70000")]
    [InlineData("server", "--registry", "not-an-address")]
    [InlineData("registry", "--listen", "everywhere")]
    [InlineData("up", "--servers", "0")]
    public async Task BadOptions_FailWithAMessageAndNoStackTrace(params string[] args)
    {
        var (code, output) = await ProcessCluster.RunAsync(args);

        Assert.NotEqual(0, code);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registry_PortAlreadyInUse_FailsWithOneClearLine()
    {
        await using var cluster = new ProcessCluster();
        await cluster.StartRegistryAsync();

        var (code, output) = await ProcessCluster.RunAsync("registry", "--port", cluster.RegistryPort.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(1, code);
        Assert.Contains("already in use", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }
}
