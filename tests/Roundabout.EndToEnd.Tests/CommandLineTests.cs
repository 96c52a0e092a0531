namespace Roundabout.EndToEnd.Tests;

public sealed class CommandLineTests
{
    public static TheoryData<string> Commands => new()
    {
        "up", "registry", "database", "server", "dashboard", "client", "sum", "multiply", "servers", "accumulator", "reset", "bench",
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_EveryCommand_PrintsUsageAndExitsZero(string command)
    {
        var (code, output) = await ProcessCluster.RunAsync(command, "--help");

        Assert.Equal(0, code);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Contains(command, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_Root_ListsEveryCommand()
    {
        var (code, output) = await ProcessCluster.RunAsync("--help");

        Assert.Equal(0, code);
        foreach (var command in Commands)
        {
            Assert.Contains(command, output, StringComparison.Ordinal);
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
