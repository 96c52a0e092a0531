using Roundabout.Contracts;

namespace Roundabout.Dashboard.Tests;

/// <summary>The one key layout: the servers write these keys and the dashboard reads the accumulators' names back from them.</summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed class AccumulatorKeysTests
{
    [Theory]
    [InlineData("global")]
    [InlineData("my-acc_1.v2")]
    public void NameOf_TheServersKeys_GivesTheAccumulator(string name)
    {
        Assert.Equal($"acc/{{{name}}}", AccumulatorKeys.Value(name));
        Assert.Equal($"acc/{{{name}}}/req/7fe594ca31934fc8b1c573c12bd61a00", AccumulatorKeys.Request(name, "7fe594ca31934fc8b1c573c12bd61a00"));
        Assert.Equal($"acc/{{{name}}}/session/s1", AccumulatorKeys.Session(name, "s1"));
        Assert.Equal(name, AccumulatorKeys.NameOf(AccumulatorKeys.Value(name)));
        Assert.Equal(name, AccumulatorKeys.NameOf(AccumulatorKeys.Request(name, "7fe594ca31934fc8b1c573c12bd61a00")));
        Assert.Equal(name, AccumulatorKeys.NameOf(AccumulatorKeys.Session(name, "s1")));
        Assert.StartsWith(AccumulatorKeys.Prefix, AccumulatorKeys.Value(name), StringComparison.Ordinal);
        Assert.StartsWith(AccumulatorKeys.Prefix, AccumulatorKeys.Request(name, "r"), StringComparison.Ordinal);
        Assert.StartsWith(AccumulatorKeys.Prefix, AccumulatorKeys.Session(name, "s"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("other/key")]
    [InlineData("acc/{unclosed")]
    [InlineData("acc/{}")]
    [InlineData("acc/{bad name}")]
    [InlineData("acc/{global}x")]
    [InlineData("acc/{global}/other/1")]
    public void NameOf_OtherKeys_IsNull(string key)
    {
        Assert.Null(AccumulatorKeys.NameOf(key));
    }

    [Theory]
    [InlineData("global", true)]
    [InlineData("a-b_c.d", true)]
    [InlineData("", false)]
    [InlineData("bad name!", false)]
    [InlineData("<b>", false)]
    public void IsValidName_TheDashboardTakesTheServersNames(string name, bool valid)
    {
        Assert.Equal(valid, AccumulatorKeys.IsValidName(name));
        Assert.Equal(valid, DashboardOptions.IsValidAccumulatorName(name));
    }

    [Fact]
    public void Decode_TextThatIsNotADecimalInteger_IsRefused()
    {
        Assert.True(AccumulatorKeys.TryDecode(AccumulatorKeys.Encode(-1234567890123456789), out var value));
        Assert.Equal(new System.Numerics.BigInteger(-1234567890123456789), value);
        Assert.False(AccumulatorKeys.TryDecode("12x"u8, out _));
    }
}
