using Roundabout.Cli.Commands;

namespace Roundabout.Cli.Tests;

/// <summary>The server's --inject-latency grammar: a delay, optionally @ the share of calls it delays.</summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed class FaultOptionTextTests
{
    [Theory]
    [InlineData("200ms", 200, 1)]
    [InlineData("2s@0.1", 2000, 0.1)]
    [InlineData("1m@1", 60_000, 1)]
    public void TryParseLatency_ReadsADelayAndItsShare(string text, int milliseconds, double fraction)
    {
        Assert.True(FaultOptionText.TryParseLatency(text, out var latency));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), latency!.Delay);
        Assert.Equal(fraction, latency.Fraction);
        Assert.Equal(text == "1m@1" ? "60s" : text, latency.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("slow")]
    [InlineData("-1s")]
    [InlineData("2m")]
    [InlineData("2s@0")]
    [InlineData("2s@1.5")]
    [InlineData("2s@")]
    [InlineData("2s@0.1@3")]
    public void TryParseLatency_RefusesAnythingElse(string text) =>
        Assert.False(FaultOptionText.TryParseLatency(text, out _));
}
