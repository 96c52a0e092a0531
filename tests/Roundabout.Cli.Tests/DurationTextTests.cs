namespace Roundabout.Cli.Tests;

[Trait(Tier.Name, Tier.Unit)]
public sealed class DurationTextTests
{
    [Theory]
    [InlineData("5s", 5000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120000)]
    [InlineData("1.5", 1500)]
    [InlineData(" 10S ", 10000)]
    public void Parses_WhatUsersType(string text, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), DurationText.ParseOrNull(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("-1s")]
    [InlineData("0")]
    [InlineData("5x")]
    [InlineData("1e9h")]
    [InlineData(null)]
    public void Refuses_Nonsense(string? text)
    {
        Assert.Null(DurationText.ParseOrNull(text));
    }
}
