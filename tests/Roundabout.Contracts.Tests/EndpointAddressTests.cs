using Roundabout.Contracts;

namespace Roundabout.Contracts.Tests;

[Trait(Tier.Name, Tier.Unit)]
public sealed class EndpointAddressTests
{
    [Theory]
    [InlineData("localhost:9001", "localhost", 9001, "localhost:9001")]
    [InlineData("127.0.0.1:1", "127.0.0.1", 1, "127.0.0.1:1")]
    [InlineData("[::1]:8000", "::1", 8000, "[::1]:8000")]
    [InlineData("http://localhost:8000/", "localhost", 8000, "localhost:8000")]
    [InlineData(" node-1.example:65535 ", "node-1.example", 65535, "node-1.example:65535")]
    public void TryParse_ValidAddresses_KeepHostAndPort(string text, string host, int port, string formatted)
    {
        Assert.True(EndpointAddress.TryParse(text, out var address, out _));
        Assert.Equal(host, address.Host);
        Assert.Equal(port, address.Port);
        Assert.Equal(formatted, address.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("localhost:")]
    [InlineData(":9001")]
    [InlineData("localhost:0")]
    [InlineData("localhost:65536")]
    [InlineData("localhost:90x1")]
    [InlineData("bad host:9001")]
    [InlineData("a:b:9001")]
    [InlineData("[::1]9001")]
    public void TryParse_InvalidAddresses_AreRefusedWithAMessage(string text)
    {
        Assert.False(EndpointAddress.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void TryParse_TooLong_IsRefused()
    {
        Assert.False(EndpointAddress.TryParse(new string('a', 300) + ":1", out _, out var error));
        Assert.Contains("longer", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseList_SplitsOnCommas_AndRefusesAnEmptyList()
    {
        Assert.Equal(["a:1", "b:2"], EndpointAddress.ParseList("a:1, b:2").Select(a => a.ToString()));
        Assert.Throws<FormatException>(() => EndpointAddress.ParseList(" , "));
    }
}
