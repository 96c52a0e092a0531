using Roundabout.Contracts;
using Roundabout.Server;

namespace Roundabout.Scale.Tests.Server;

[Trait(Tier.Name, Tier.Unit)]
public sealed class StoreAddressTests
{
    [Fact]
    public void Parse_Etcd_TakesEveryEndpoint()
    {
        var store = StoreAddress.Parse("etcd://127.0.0.1:2379,127.0.0.1:22379/");

        Assert.Equal(StoreKind.Etcd, store.Kind);
        Assert.Equal(2, store.Endpoints.Count);
        Assert.Equal("etcd://127.0.0.1:2379,127.0.0.1:22379", store.ToString());
    }

    [Fact]
    public void Parse_Redis_TakesEveryEndpoint()
    {
        var store = StoreAddress.Parse("redis://10.0.0.1:6379, 10.0.0.2:6380");

        Assert.Equal(StoreKind.Redis, store.Kind);
        Assert.Equal([new EndpointAddress("10.0.0.1", 6379), new EndpointAddress("10.0.0.2", 6380)], store.Endpoints);
        Assert.Equal("redis://10.0.0.1:6379,10.0.0.2:6380", store.ToString());
    }

    [Fact]
    public void Parse_Roundabout_IsTheEmbeddedDatabase()
    {
        var store = StoreAddress.Parse("roundabout://localhost:8001");

        Assert.Equal(StoreAddress.Embedded(new EndpointAddress("localhost", 8001)).ToString(), store.ToString());
        Assert.Equal(StoreKind.Embedded, store.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("localhost:6379")]
    [InlineData("memcached://localhost:11211")]
    [InlineData("redis://")]
    [InlineData("redis://localhost")]
    [InlineData("roundabout://a:1,b:2")]
    public void Parse_Invalid_ThrowsWithWhatIsExpected(string text)
    {
        var error = Assert.Throws<FormatException>(() => StoreAddress.Parse(text));

        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Options_WithoutStore_UseTheDatabase()
    {
        var options = new ServerHostOptions { Database = new EndpointAddress("db", 8001) };

        Assert.Equal("roundabout://db:8001", options.EffectiveStore.ToString());
    }
}
