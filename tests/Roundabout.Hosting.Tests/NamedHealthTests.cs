using Grpc.Core;
using Grpc.Health.V1;
using Roundabout.Hosting;

namespace Roundabout.Hosting.Tests;

/// <summary>grpc.health.v1 answers for the full name of every service a component hosts, not only for "".</summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class NamedHealthTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await InProcessCluster.StartAsync(servers: 1);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Theory]
    [InlineData("server", "roundabout.calculator.v1.Calculator")]
    [InlineData("server", "grpc.health.v1.Health")]
    [InlineData("registry", "roundabout.registry.v1.Registry")]
    [InlineData("database", "roundabout.database.v1.Database")]
    [InlineData("database", "")]
    public async Task Check_WithTheNameOfAHostedService_AnswersServing(string component, string service)
    {
        var health = new Health.HealthClient(_cluster.Channel(Port(component)));

        await Eventually.UntilAsync(
            async () => (await health.CheckAsync(new HealthCheckRequest { Service = service }).ResponseAsync.DefaultTimeout()).Status
                == HealthCheckResponse.Types.ServingStatus.Serving,
            $"the {component} answers SERVING for '{service}'");
    }

    [Fact]
    public async Task Check_WithAServiceTheComponentDoesNotHost_IsNotFound()
    {
        var health = new Health.HealthClient(_cluster.Channel(_cluster.RegistryPort));

        var error = await Assert.ThrowsAsync<RpcException>(() => health.CheckAsync(new HealthCheckRequest { Service = "roundabout.calculator.v1.Calculator" }).ResponseAsync.DefaultTimeout());

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public void HostedServiceNames_ListTheComponentsOwnServices()
    {
        var names = GrpcHost.HostedServiceNames(_cluster.Servers[0].App);

        Assert.Contains("roundabout.calculator.v1.Calculator", names);
        Assert.Contains("grpc.health.v1.Health", names);
    }

    private int Port(string component) => component switch
    {
        "registry" => _cluster.RegistryPort,
        "database" => _cluster.DatabasePort,
        _ => new Uri("http://" + _cluster.Servers[0].Address).Port,
    };
}
