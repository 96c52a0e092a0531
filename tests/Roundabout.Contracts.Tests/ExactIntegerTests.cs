using System.Numerics;
using Roundabout.Contracts;

namespace Roundabout.Contracts.Tests;

[Trait(Tier.Name, Tier.Unit)]
public sealed class ExactIntegerTests
{
    [Theory]
    [InlineData("0", "0")]
    [InlineData("-12", "-12")]
    [InlineData("+12", "12")]
    [InlineData("  77 ", "77")]
    public void TryParse_WholeNumbers_AreOk(string text, string expected)
    {
        Assert.Equal(ParseOutcome.Ok, ExactInteger.TryParse(text, out var value, out _));
        Assert.Equal(expected, ExactInteger.Format(value));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("1e5")]
    [InlineData("1,000")]
    [InlineData("١٢")]
    [InlineData("--1")]
    [InlineData("5\0")]
    [InlineData("\05")]
    [InlineData("1\n2")]
    [InlineData("5\n")]
    [InlineData("\t5")]
    [InlineData("5\r")]
    [InlineData("\u00a05")]
    [InlineData("+")]
    [InlineData("-")]
    public void TryParse_NotAWholeNumber_IsInvalidWithAMessage(string? text)
    {
        Assert.Equal(ParseOutcome.Invalid, ExactInteger.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void TryParse_ControlCharacters_TheMessageShowsThemEscaped()
    {
        ExactInteger.TryParse("5\0\n6", out _, out var error);

        Assert.Contains("'5\\u0000\\n6'", error, StringComparison.Ordinal);
        Assert.DoesNotContain(error!, char.IsControl);
    }

    [Fact]
    public void TryParse_TheCapItself_IsTooLarge_AndOneBelowIsOk()
    {
        Assert.Equal(ParseOutcome.TooLarge, ExactInteger.TryParse(ExactInteger.Format(ExactInteger.Limit), out _, out _));
        Assert.Equal(ParseOutcome.TooLarge, ExactInteger.TryParse(ExactInteger.Format(-ExactInteger.Limit), out _, out _));
        Assert.Equal(ParseOutcome.Ok, ExactInteger.TryParse(ExactInteger.Format(ExactInteger.Limit - 1), out var value, out _));
        Assert.Equal(ExactInteger.Limit - 1, value);
    }

    [Fact]
    public void FitsCap_IsStrictlyBelowTwoToTheMaxBits()
    {
        Assert.True(ExactInteger.FitsCap(BigInteger.Pow(2, ExactInteger.MaxBits) - 1));
        Assert.False(ExactInteger.FitsCap(BigInteger.Pow(2, ExactInteger.MaxBits)));
    }
}
