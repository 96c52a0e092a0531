using Google.Protobuf.Collections;
using Grpc.Core;
using Roundabout.Registry.Grpc;

namespace Roundabout.Registry.Tests.Grpc;

[Trait(Tier.Name, Tier.Unit)]
public sealed class RequestRulesTests
{
    [Theory]
    [InlineData("localhost:9001", "localhost:9001")]
    [InlineData(" LocalHost:9001 ", "localhost:9001")]
    [InlineData("http://127.0.0.1:9001/", "127.0.0.1:9001")]
    [InlineData("[::1]:9001", "[::1]:9001")]
    public void Address_Valid_IsNormalised(string input, string expected) => Assert.Equal(expected, RequestRules.Address(input));

    [Theory]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("localhost:0")]
    [InlineData("localhost:65536")]
    [InlineData("local host:9001")]
    [InlineData("a:b:9001")]
    public void Address_Invalid_IsInvalidArgument(string input) =>
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<RpcException>(() => RequestRules.Address(input)).StatusCode);

    [Theory]
    [InlineData("", "calculator")]
    [InlineData("Calculator", "calculator")]
    [InlineData("db.v1_x-y", "db.v1_x-y")]
    public void Service_Valid_IsNormalised(string input, string expected) => Assert.Equal(expected, RequestRules.Service(input));

    [Theory]
    [InlineData("a/b")]
    [InlineData("with space")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public void Service_Invalid_IsInvalidArgument(string input) =>
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<RpcException>(() => RequestRules.Service(input)).StatusCode);

    [Fact]
    public void Metadata_TooManyEntriesOrTooLong_IsInvalidArgument()
    {
        var many = new MapField<string, string>();
        for (var i = 0; i <= RequestRules.MaxMetadataEntries; i++)
        {
            many[$"k{i}"] = "v";
        }

        var longValue = new MapField<string, string> { ["k"] = new string('v', RequestRules.MaxMetadataValueLength + 1) };
        var badKey = new MapField<string, string> { ["a/b"] = "v" };

        Assert.All(new[] { many, longValue, badKey }, m =>
            Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<RpcException>(() => RequestRules.Metadata(m)).StatusCode));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public void LeaseId_EmptyOrTooLong_IsInvalidArgument(string leaseId) =>
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<RpcException>(() => RequestRules.LeaseId(leaseId)).StatusCode);
}
