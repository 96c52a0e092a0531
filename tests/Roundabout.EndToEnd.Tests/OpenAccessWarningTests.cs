namespace Roundabout.EndToEnd.Tests;

/// <summary>A component listening beyond loopback with nothing guarding its calls warns at start; a token silences it.</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class OpenAccessWarningTests
{
    private const string Warning = "beyond loopback, and anyone who can reach port";

    [Theory]
    [InlineData("registry", "--token", @"\[Registry\] Service Registry running on port :\d+$")]
    [InlineData("database", "--token", @"\[Database\] Shared Memory running on port :\d+$")]
    public async Task ListenBeyondLoopback_WithoutAToken_Warns_AndWithOneDoesNot(string command, string tokenOption, string running)
    {
        string[] storage = command == "database" ? ["--in-memory"] : [];
        await using var open = CliProcess.Start([command, "--port", "0", "--listen", "0.0.0.0", .. storage], environment: null);
        await using var guarded = CliProcess.Start([command, "--port", "0", "--listen", "0.0.0.0", tokenOption, "s3cret", .. storage], environment: null);

        await open.WaitForLineAsync(ProcessCluster.Stamp + running);
        await guarded.WaitForLineAsync(ProcessCluster.Stamp + running);

        Assert.Contains(open.Lines.Concat(open.ErrorLines), line => line.Contains(Warning, StringComparison.Ordinal) && line.Contains("--token", StringComparison.Ordinal));
        Assert.DoesNotContain(guarded.Lines.Concat(guarded.ErrorLines), line => line.Contains(Warning, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListenOnLoopback_WithoutAToken_DoesNotWarn()
    {
        await using var registry = CliProcess.Start("registry", "--port", "0");

        await registry.WaitForLineAsync(ProcessCluster.Stamp + @"\[Registry\] Service Registry running on port :\d+$");

        Assert.DoesNotContain(registry.Lines.Concat(registry.ErrorLines), line => line.Contains(Warning, StringComparison.Ordinal));
    }
}
