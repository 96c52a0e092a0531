using Roundabout.Cli.Commands;

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

/// <summary>Every duration option parses with <see cref="DurationText"/>, within its own limit, and names itself in its error.</summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed class DurationOptionTests
{
    [Theory]
    [InlineData("registry", "--ttl", "1h")]
    [InlineData("registry", "--ttl", "2M")]
    [InlineData("registry", "--renew-interval", "0.5")]
    [InlineData("client", "--deadline", "2h")]
    [InlineData("sum", "--attempt-timeout", "250ms")]
    [InlineData("verify", "--duration", "10s")]
    public void Accepts_WhatDurationTextReads(string command, string option, string value)
    {
        Assert.Empty(Parse(command, option, value));
    }

    [Theory]
    [InlineData("registry", "--ttl", "2h", "at most 1h")]
    [InlineData("registry", "--ttl", "soon", "got 'soon'")]
    [InlineData("bench", "--timeout", "90m", "at most 1h")]
    [InlineData("client", "--deadline", "2d", "got '2d'")]
    public void Refuses_WithTheOptionAndItsLimit(string command, string option, string value, string expected)
    {
        var error = Assert.Single(Parse(command, option, value), e => e.StartsWith(option, StringComparison.Ordinal));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Parse(string command, string option, string value) =>
        RootCommandFactory.Create(TimeProvider.System).Parse(command switch
        {
            "sum" => [command, "1", "2", option, value],
            "bench" => [command, "--requests", "1", option, value],
            _ => [command, option, value],
        }).Errors.Select(e => e.Message);
}
