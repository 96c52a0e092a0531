using Roundabout.Dashboard.Accumulators;
using Roundabout.Server.Accumulators;

namespace Roundabout.Dashboard.Tests;

/// <summary>The dashboard reads the keys the servers write: these fail if the two drift apart.</summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed class AccumulatorKeyNamesTests
{
    [Theory]
    [InlineData("global")]
    [InlineData("my-acc_1.v2")]
    public void NameOf_TheServersKeys_GivesTheAccumulator(string name)
    {
        Assert.Equal(AccumulatorKeys.Value(name), AccumulatorKeyNames.ValueKey(name));
        Assert.Equal(name, AccumulatorKeyNames.NameOf(AccumulatorKeys.Value(name)));
        Assert.Equal(name, AccumulatorKeyNames.NameOf(AccumulatorKeys.Request(name, "7fe594ca31934fc8b1c573c12bd61a00")));
        Assert.StartsWith(AccumulatorKeyNames.Prefix, AccumulatorKeys.Value(name), StringComparison.Ordinal);
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
        Assert.Null(AccumulatorKeyNames.NameOf(key));
    }

    [Theory]
    [InlineData("global", true)]
    [InlineData("a-b_c.d", true)]
    [InlineData("", false)]
    [InlineData("bad name!", false)]
    [InlineData("<b>", false)]
    public void IsValidName_AgreesWithTheServer(string name, bool valid)
    {
        Assert.Equal(AccumulatorKeys.IsValidName(name), AccumulatorKeyNames.IsValidName(name));
        Assert.Equal(valid, AccumulatorKeyNames.IsValidName(name));
    }
}
