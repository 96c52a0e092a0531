using Roundabout.Hosting.Telemetry;

namespace Roundabout.Hosting.Tests.Telemetry;

[Trait(Tier.Name, Tier.Unit)]
public sealed class RenewalTracingTests
{
    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("off", false)]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("1", true)]
    [InlineData(" yes ", true)]
    [InlineData("on", true)]
    public void Parse_TakesTheFlagsEveryVariableTakes(string? value, bool expected) =>
        Assert.Equal(expected, RenewalTracing.Parse(value));

    [Fact]
    public void Parse_AnythingElse_IsAClearErrorNamingTheVariable()
    {
        var error = Assert.Throws<ArgumentException>(() => RenewalTracing.Parse("sometimes"));

        Assert.Equal("ROUNDABOUT_TRACE_RENEWALS takes true or false (or 1 or 0); got 'sometimes'. Fix or unset ROUNDABOUT_TRACE_RENEWALS.", error.Message);
    }
}
