using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Roundabout.Contracts.Registry.V1;
using RegistryApi = Roundabout.Contracts.Registry.V1.Registry;

namespace Roundabout.ServiceDiscovery.Tests;

/// <summary>An HTTP service of our own, called as <c>http://web</c> through .NET service discovery.</summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class ServiceDiscoveryTests
{
    [Fact]
    public async Task HttpClient_ResolvesTheNameThroughTheRegistry_AndReachesEveryInstance()
    {
        await using var fixture = await LibraryFixture.StartAsync();
        var apps = new[] { await fixture.StartHttpAppAsync("web"), await fixture.StartHttpAppAsync("web") };
        await Eventually.UntilAsync(async () => (await fixture.ListAsync("web")).Count == 2, "both instances are listed");
        await using var services = Services(fixture);
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient("web");

        var ports = new HashSet<int>();
        for (var i = 0; i < 10; i++)
        {
            ports.Add(int.Parse(await http.GetStringAsync(new Uri("http://web/whoami")), CultureInfo.InvariantCulture));
        }

        Assert.Equal(apps.Select(a => a.Port).Order(), ports.Order());
    }

    [Fact]
    public async Task InstanceThatJoins_IsUsedAfterTheWatchEvent()
    {
        await using var fixture = await LibraryFixture.StartAsync();
        await fixture.StartHttpAppAsync("web");
        await Eventually.UntilAsync(async () => (await fixture.ListAsync("web")).Count == 1, "the first instance is listed");
        await using var services = Services(fixture);
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient("web");
        await http.GetStringAsync(new Uri("http://web/whoami"));

        var joined = await fixture.StartHttpAppAsync("web");

        await Eventually.UntilAsync(
            async () => int.Parse(await http.GetStringAsync(new Uri("http://web/whoami")), CultureInfo.InvariantCulture) == joined.Port,
            "a request reaches the instance that joined");
    }

    [Fact]
    public async Task SuspectInstances_AreSkipped()
    {
        // Two of three instances fall silent at once: the registry's eviction guard holds them as
        // suspect for a lease (4 s here) before it evicts them.
        await using var fixture = await LibraryFixture.StartAsync(ttl: TimeSpan.FromSeconds(4));
        var live = await fixture.StartHttpAppAsync("web");
        using (var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://{fixture.RegistryAddress}"))
        {
            // Registered once and never renewed, at ports where nothing listens.
            var registry = new RegistryApi.RegistryClient(channel);
            await registry.RegisterAsync(new RegisterRequest { Service = "web", Address = $"127.0.0.1:{FreePorts.Next()}" });
            await registry.RegisterAsync(new RegisterRequest { Service = "web", Address = $"127.0.0.1:{FreePorts.Next()}" });
        }

        await using var services = Services(fixture);
        var discovery = services.GetRequiredService<Roundabout.Client.RoundaboutDiscovery>();
        await Eventually.UntilAsync(async () => (await discovery.GetInstancesAsync("web")).Count(i => i.Suspect) == 2, "discovery sees the silent instances as suspect");
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient("web");

        // Were the suspects used, two requests in three would be refused at their ports.
        await Eventually.UntilAsync(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                if (int.Parse(await http.GetStringAsync(new Uri("http://web/whoami")), CultureInfo.InvariantCulture) != live.Port)
                {
                    return false;
                }
            }

            return true;
        }, "ten requests in a row reach the live instance");
        Assert.Equal(2, (await fixture.ListAsync("web")).Count(i => i.Suspect));
    }

    private static ServiceProvider Services(LibraryFixture fixture)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddServiceDiscovery();
        services.AddRoundaboutServiceEndpointProvider(options => options.UseRegistries(fixture.RegistryAddress));
        services.AddHttpClient("web").AddServiceDiscovery();
        return services.BuildServiceProvider();
    }
}
