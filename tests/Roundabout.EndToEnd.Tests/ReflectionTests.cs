using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;

namespace Roundabout.EndToEnd.Tests;

/// <summary>
/// Server reflection answers from the real executable, so tools that discover services by
/// reflection work against every component. Run with ROUNDABOUT_TEST_EXECUTABLE pointing at the
/// native build, it also shows that reflection survives ahead-of-time compilation and trimming.
/// </summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class ReflectionTests
{
    [Fact]
    public async Task EveryComponent_ListsItsServices_AndDescribesTheirFiles()
    {
        await using var cluster = await ProcessCluster.StartAsync(servers: 1);
        var components = new (int Port, string Service)[]
        {
            (cluster.RegistryPort, "roundabout.registry.v1.Registry"),
            (cluster.DatabasePort, "roundabout.database.v1.Database"),
            (cluster.Servers[0].Port, "roundabout.calculator.v1.Calculator"),
        };

        foreach (var (port, service) in components)
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
            var reflection = new ServerReflection.ServerReflectionClient(channel);
            using var call = reflection.ServerReflectionInfo(deadline: DateTime.UtcNow.AddSeconds(30));

            await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            var listed = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToArray();
            Assert.Contains(service, listed);

            await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = service });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            var files = call.ResponseStream.Current.FileDescriptorResponse;
            Assert.NotNull(files);
            Assert.NotEmpty(files.FileDescriptorProto);
            await call.RequestStream.CompleteAsync();
        }
    }
}
