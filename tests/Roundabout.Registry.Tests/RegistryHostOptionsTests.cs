namespace Roundabout.Registry.Tests;

[Trait(Tier.Name, Tier.Unit)]
public sealed class RegistryHostOptionsTests
{
    [Fact]
    public void Defaults_AreValid_WithTtl3sAndRenewEvery1s()
    {
        var options = new RegistryHostOptions();

        Assert.Empty(options.Validate());
        Assert.Equal(TimeSpan.FromSeconds(3), options.Ttl);
        Assert.Equal(TimeSpan.FromSeconds(1), options.EffectiveRenewInterval);
        Assert.Equal(8000, options.Port);
        Assert.Equal(System.Net.IPAddress.Loopback, options.Listen);
    }

    [Theory]
    [InlineData(50, null, null)]
    [InlineData(3000, 2000, null)]
    [InlineData(3000, 0, null)]
    [InlineData(3000, null, "has space")]
    [InlineData(3000, null, "")]
    public void Validate_BadTimingsOrToken_SaysWhatIsWrong(int ttlMs, int? renewMs, string? token)
    {
        var options = new RegistryHostOptions
        {
            Ttl = TimeSpan.FromMilliseconds(ttlMs),
            RenewInterval = renewMs is { } r ? TimeSpan.FromMilliseconds(r) : null,
            Token = token,
        };

        Assert.Single(options.Validate());
    }

    [Fact]
    public void Build_InvalidOptions_Throws()
    {
        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            RegistryHost.Build(new RegistryHostOptions { Ttl = TimeSpan.FromMilliseconds(1) }));
    }
}
