using Roundabout.Cli.Terminal;

namespace Roundabout.Cli.Tests;

/// <summary>What a terminal shows when lines arrive while a prompt or a progress line is on screen.</summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed class LiveConsoleTests
{
    [Fact]
    public void WriteLine_WhileAPromptIsShown_GoesAboveIt_AndThePromptWithItsTextIsDrawnAgainBelow()
    {
        var (console, screen, output) = Terminal(columns: 40);
        console.WriteLine("--- Client MENU ---");
        console.SetLive("Enter A: 12");

        console.WriteLine("registry | Server registered: localhost:9003");
        console.WriteLine("registry | Server deregistered: localhost:9003");
        Show(screen, output);

        Assert.Equal(
            ["--- Client MENU ---", "registry | Server registered: localhost:", "9003", "registry | Server deregistered: localhos", "t:9003", "Enter A: 12"],
            screen.Rows.Where(r => r.Length > 0));
        Assert.Empty(screen.Unknown);
    }

    [Fact]
    public void SetLive_APromptLongerThanTheScreenIsWide_IsErasedWhole_BeforeALineAndWhenRedrawn()
    {
        var (console, screen, output) = Terminal(columns: 10);
        console.SetLive("Enter A: " + new string('7', 25));
        console.SetLive("Enter A: " + new string('7', 26));

        console.WriteLine("log line");
        Show(screen, output);

        Assert.Equal(["log line", "Enter A: 7", "7777777777", "7777777777", "77777"], screen.Rows.Where(r => r.Length > 0));
    }

    [Fact]
    public void SetLive_AProgressLine_IsRedrawnInPlace_AndCommitLiveKeepsItAsALine()
    {
        var (console, screen, output) = Terminal(columns: 60);
        for (var i = 1; i <= 5; i++)
        {
            console.SetLive($"[Client] {i} s  {i * 100} requests");
        }

        console.CommitLive();
        console.WriteLine("next");
        Show(screen, output);

        Assert.Equal(["[Client] 5 s  500 requests", "next"], screen.Rows.Where(r => r.Length > 0));
    }

    [Fact]
    public void ClearLive_RemovesTheRegionFromTheScreen()
    {
        var (console, screen, output) = Terminal(columns: 60);
        console.WriteLine("first");
        console.SetLive("table row 1\ntable row 2");
        console.ClearLive();
        console.WriteLine("report");
        Show(screen, output);

        Assert.Equal(["first", "report"], screen.Rows.Where(r => r.Length > 0));
    }

    [Fact]
    public void NotATerminal_LinesAreWrittenAsTheyCome_AndTheLiveRegionIsNeverWritten()
    {
        using var output = new StringWriter();
        var console = new LiveConsole(output, isTerminal: false);

        console.SetLive("Enter A: ");
        console.WriteLine("a log line");
        console.ClearLive();

        Assert.Equal("a log line\n", output.ToString());
    }

    [Fact]
    public void LiveConsoleWriter_PassesWholeLinesThrough_HoweverTheyAreWritten()
    {
        var (console, screen, output) = Terminal(columns: 60);
        console.SetLive("[Client] Select an option: ");
        using var writer = new LiveConsoleWriter(console);

        writer.Write("part one, ");
        writer.Write("part two\nsecond line");
        writer.WriteLine();
        Show(screen, output);

        Assert.Equal(["part one, part two", "second line", "[Client] Select an option:"], screen.Rows.Where(r => r.Length > 0));
    }

    /// <summary>As a terminal shows it: the terminal turns each newline into a carriage return and a line feed.</summary>
    private static void Show(TerminalScreen screen, StringWriter output) =>
        screen.Feed(output.ToString().Replace("\n", "\r\n", StringComparison.Ordinal));

    private static (LiveConsole Console, TerminalScreen Screen, StringWriter Output) Terminal(int columns)
    {
        var output = new StringWriter();
        return (new LiveConsole(output, isTerminal: true, () => columns), new TerminalScreen(columns, 20), output);
    }
}
