using Microsoft.Extensions.DependencyInjection;

namespace Roundabout.Registration.Tests;

/// <summary>An ASP.NET Core app of our own, registered by <c>AddRoundaboutRegistration</c>, against a real registry.</summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class RegistrationTests
{
    [Fact]
    public async Task AnApp_IsListedAtItsBoundAddress_WithItsSchemeAndMetadata()
    {
        await using var fixture = await LibraryFixture.StartAsync();
        var app = await fixture.StartHttpAppAsync("orders");

        await Eventually.UntilAsync(async () => (await fixture.ListAsync("orders")).Any(i => i.Address == app.Address), "the app is listed");
        var instance = (await fixture.ListAsync("orders")).Single();
        Assert.Equal("http", instance.Metadata["scheme"]);
        Assert.Equal("tests", instance.Metadata["team"]);
    }

    [Fact]
    public async Task GracefulStop_LeavesTheRegistryAtOnce_NotWhenTheLeaseRunsOut()
    {
        // A 30 s lease: only the deregistration can take the app out within the wait below.
        await using var fixture = await LibraryFixture.StartAsync(ttl: TimeSpan.FromSeconds(30));
        var stays = await fixture.StartHttpAppAsync("orders");
        var leaves = await fixture.StartHttpAppAsync("orders");
        await Eventually.UntilAsync(async () => (await fixture.ListAsync("orders")).Count == 2, "both apps are listed");

        await fixture.StopAsync(leaves);

        var listed = await fixture.ListAsync("orders");
        Assert.Equal([stays.Address], listed.Select(i => i.Address));
    }

    [Fact]
    public async Task UnhealthyApp_LeavesTheRegistry_AndComesBackWhenItRecovers()
    {
        await using var fixture = await LibraryFixture.StartAsync();
        var health = new HealthSwitch();
        var app = await fixture.StartHttpAppAsync("orders", health);
        await Eventually.UntilAsync(async () => (await fixture.ListAsync("orders")).Count == 1, "the app is listed");

        health.Healthy = false;
        await Eventually.UntilAsync(async () => (await fixture.ListAsync("orders")).Count == 0, "the unhealthy app has left the registry");

        health.Healthy = true;
        await Eventually.UntilAsync(async () => (await fixture.ListAsync("orders")).Any(i => i.Address == app.Address), "the recovered app is listed again");
    }

    [Fact]
    public async Task AppUnhealthyAtStart_IsNeverListed_UntilHealthy()
    {
        await using var fixture = await LibraryFixture.StartAsync();
        var health = new HealthSwitch { Healthy = false };
        var other = await fixture.StartHttpAppAsync("orders");
        var app = await fixture.StartHttpAppAsync("orders", health);
        await Eventually.UntilAsync(async () => (await fixture.ListAsync("orders")).Any(i => i.Address == other.Address), "the healthy app is listed");

        // Several health periods later (100 ms each) the unhealthy app is still out.
        var service = app.App.Services.GetService(typeof(Registration.RegistrationService)) as Registration.RegistrationService;
        Assert.NotNull(service);
        await Eventually.UntilAsync(async () => (await fixture.ListAsync("orders")).Count == 1 && service.HealthChecks >= 3, "three health checks have run");
        Assert.DoesNotContain(app.Address, (await fixture.ListAsync("orders")).Select(i => i.Address));

        health.Healthy = true;
        await Eventually.UntilAsync(async () => (await fixture.ListAsync("orders")).Any(i => i.Address == app.Address), "the app is listed once healthy");
    }

    [Fact]
    public void BadSettings_AreRefusedWhenAdded_WithTheSettingNamed()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();

        var empty = Assert.Throws<ArgumentException>(() => services.AddRoundaboutRegistration(" "));
        Assert.Contains("service name is empty", empty.Message, StringComparison.Ordinal);
        var slash = Assert.Throws<ArgumentException>(() => services.AddRoundaboutRegistration("a/b"));
        Assert.Contains("must not contain '/'", slash.Message, StringComparison.Ordinal);
        var registry = Assert.Throws<FormatException>(() => services.AddRoundaboutRegistration("orders", o => o.UseRegistries("no-port")));
        Assert.Contains("no-port", registry.Message, StringComparison.Ordinal);
        Assert.Empty(services);
    }
}
