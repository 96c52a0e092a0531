using Google.Protobuf.Reflection;
using Grpc.Core;
using Roundabout.Contracts.Calculator.V1;
using Roundabout.Contracts.Database.V1;
using Roundabout.Contracts.Registry.V1;
using CalculatorApi = Roundabout.Contracts.Calculator.V1.Calculator;
using DatabaseApi = Roundabout.Contracts.Database.V1.Database;
using RegistryApi = Roundabout.Contracts.Registry.V1.Registry;

namespace Roundabout.Server.Tests.Hostile;

/// <summary>
/// What no generated client sends, on every RPC of every service (the calculator, the registry,
/// the database): bytes that are not a protobuf message, a frame shorter than it says, a message
/// over the size limit, a compressed flag without an encoding. Each gets a clear gRPC status, and
/// the component answers the next well-formed call as before. One cluster serves the whole class.
/// </summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class HostileInputTests(HostileInputTests.Cluster fixture) : IClassFixture<HostileInputTests.Cluster>
{
    /// <summary>A field-1 string that claims two hundred million bytes and holds three: no parser can read it.</summary>
    private static readonly byte[] _notProtobuf = [0x0A, 0x80, 0xC2, 0xD7, 0x2F, 0x61, 0x62, 0x63];

    public static TheoryData<string, string> Methods()
    {
        var data = new TheoryData<string, string>();
        foreach (var service in new[] { CalculatorApi.Descriptor, RegistryApi.Descriptor, DatabaseApi.Descriptor })
        {
            foreach (MethodDescriptor method in service.Methods)
            {
                data.Add(service.Name, method.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task BytesThatAreNotProtobuf_AreInvalidArgumentNamingTheMessage_AndTheComponentKeepsServing(string service, string method)
    {
        var reply = await fixture.Raw.CallAsync(fixture.PortOf(service), fixture.PathOf(service, method), RawGrpc.Frame(_notProtobuf));

        // Not grpc-dotnet's own answer (Unknown, "Exception was thrown by handler."), which tells the caller nothing.
        Assert.Equal(StatusCode.InvalidArgument, reply.Status);
        Assert.StartsWith("The request is not a valid ", reply.Message, StringComparison.Ordinal);
        await fixture.AssertServingAsync(service);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task AFrameShorterThanItSays_GetsAClearStatus_AndTheComponentKeepsServing(string service, string method)
    {
        var reply = await fixture.Raw.CallAsync(fixture.PortOf(service), fixture.PathOf(service, method), RawGrpc.Frame([0x0A, 0x01, 0x31], declaredLength: 100));

        Assert.Equal(StatusCode.Internal, reply.Status);
        Assert.False(string.IsNullOrWhiteSpace(reply.Message), "the status has no message");
        await fixture.AssertServingAsync(service);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task AMessageOverTheSizeLimit_IsResourceExhausted_AndTheComponentKeepsServing(string service, string method)
    {
        // 2 MiB: over the limit of every component (1 MiB for the calculator and the database, 64 KiB for the registry).
        var payload = new byte[2 * 1024 * 1024];

        var reply = await fixture.Raw.CallAsync(fixture.PortOf(service), fixture.PathOf(service, method), RawGrpc.Frame(payload));

        Assert.Equal(StatusCode.ResourceExhausted, reply.Status);
        await fixture.AssertServingAsync(service);
    }

    public static TheoryData<string, string, uint> HugePrefixes()
    {
        var data = new TheoryData<string, string, uint>();
        foreach (var (service, method) in new[] { ("Calculator", "Sum"), ("Calculator", "ResetAccumulator"), ("Registry", "Register"), ("Registry", "Watch"), ("Database", "Txn"), ("Database", "Get") })
        {
            data.Add(service, method, 1u << 31);
            data.Add(service, method, uint.MaxValue);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HugePrefixes))]
    public async Task ALengthPrefixOf2To31OrMore_IsResourceExhaustedWithNoErrorLogged_AndTheComponentKeepsServing(string service, string method, uint declared)
    {
        var errorsBefore = fixture.ErrorsLogged;

        var reply = await fixture.Raw.CallAsync(fixture.PortOf(service), fixture.PathOf(service, method), RawGrpc.Frame([0x0A, 0x01, 0x31], declaredLength: declared));

        // Not grpc-dotnet's own answer to a length it reads as negative: Unknown, "Exception was thrown by handler.", and an error logged.
        Assert.Equal(StatusCode.ResourceExhausted, reply.Status);
        Assert.Contains($"says {declared} bytes", reply.Message, StringComparison.Ordinal);
        await fixture.AssertServingAsync(service);
        Assert.Equal(errorsBefore, fixture.ErrorsLogged);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task ACompressedFlagWithoutAnEncoding_GetsAClearStatus_AndTheComponentKeepsServing(string service, string method)
    {
        var frame = RawGrpc.Frame([0x0A, 0x01, 0x31]);
        frame[0] = 1;

        var reply = await fixture.Raw.CallAsync(fixture.PortOf(service), fixture.PathOf(service, method), frame);

        Assert.NotEqual(StatusCode.OK, reply.Status);
        Assert.NotEqual(StatusCode.Unknown, reply.Status);
        await fixture.AssertServingAsync(service);
    }

    [Theory]
    [InlineData("bad name!")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("new\nline")]
    public async Task AccumulatorCalls_WithABadName_AreInvalidArgumentAndChangeNothing(string name)
    {
        var calculator = fixture.Calculator;
        var before = await calculator.GetAccumulatorAsync(new GetAccumulatorRequest()).ResponseAsync.DefaultTimeout();

        var get = await Assert.ThrowsAsync<RpcException>(() => calculator.GetAccumulatorAsync(new GetAccumulatorRequest { Name = name }).ResponseAsync.DefaultTimeout());
        var reset = await Assert.ThrowsAsync<RpcException>(() => calculator.ResetAccumulatorAsync(new ResetAccumulatorRequest { Name = name }).ResponseAsync.DefaultTimeout());
        var after = await calculator.GetAccumulatorAsync(new GetAccumulatorRequest()).ResponseAsync.DefaultTimeout();

        Assert.Equal((StatusCode.InvalidArgument, StatusCode.InvalidArgument), (get.StatusCode, reset.StatusCode));
        Assert.Contains("name", get.Status.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before.Value, after.Value);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("with space")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public async Task ListInstancesAndWatch_WithABadService_AreInvalidArgument(string service)
    {
        var registry = fixture.Registry;

        var list = await Assert.ThrowsAsync<RpcException>(() => registry.ListInstancesAsync(new ListInstancesRequest { Service = service }).ResponseAsync.DefaultTimeout());
        using var watch = registry.Watch(new WatchRequest { Service = service });
        var watched = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());

        Assert.Equal((StatusCode.InvalidArgument, StatusCode.InvalidArgument), (list.StatusCode, watched.StatusCode));
        Assert.Equal(fixture.InProcess.Servers.Count, (await registry.ListInstancesAsync(new ListInstancesRequest()).ResponseAsync.DefaultTimeout()).Instances.Count);
    }

    /// <summary>One registry, database and server for the whole class, and a raw HTTP/2 caller.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        public InProcessCluster InProcess { get; private set; } = null!;

        public RawGrpc Raw { get; } = new();

        public int ErrorsLogged => InProcess.ErrorsLogged;

        public CalculatorApi.CalculatorClient Calculator => InProcess.Servers[0].Client;

        public RegistryApi.RegistryClient Registry => InProcess.Registry;

        public DatabaseApi.DatabaseClient Database => new(InProcess.Channel(InProcess.DatabaseDirectPort));

        public async Task InitializeAsync() => InProcess = await InProcessCluster.StartAsync(servers: 1);

        public async Task DisposeAsync()
        {
            Raw.Dispose();
            await InProcess.DisposeAsync();
        }

        public int PortOf(string service) => service switch
        {
            "Calculator" => int.Parse(InProcess.Servers[0].Address.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture),
            "Registry" => InProcess.RegistryPort,
            "Database" => InProcess.DatabaseDirectPort,
            _ => throw new ArgumentOutOfRangeException(nameof(service), service, "no such service"),
        };

        public string PathOf(string service, string method)
        {
            var descriptor = service switch
            {
                "Calculator" => CalculatorApi.Descriptor,
                "Registry" => RegistryApi.Descriptor,
                _ => DatabaseApi.Descriptor,
            };
            return $"/{descriptor.FullName}/{method}";
        }

        /// <summary>A well-formed call to the component answers as it should.</summary>
        public async Task AssertServingAsync(string service)
        {
            switch (service)
            {
                case "Calculator":
                    Assert.Equal("5", (await Calculator.SumAsync(new SumRequest { A = "2", B = "3" }).ResponseAsync.DefaultTimeout()).Result);
                    break;
                case "Registry":
                    Assert.Single((await Registry.ListInstancesAsync(new ListInstancesRequest()).ResponseAsync.DefaultTimeout()).Instances);
                    break;
                default:
                    var put = await Database.PutAsync(new PutRequest { Key = "hostile/alive", Value = Google.Protobuf.ByteString.CopyFromUtf8("yes") }).ResponseAsync.DefaultTimeout();
                    Assert.True(put.Version > 0);
                    break;
            }
        }
    }
}
