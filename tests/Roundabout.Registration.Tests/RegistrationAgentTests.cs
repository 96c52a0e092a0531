using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Roundabout.Contracts;
using Roundabout.Contracts.Registry.V1;
using Roundabout.Registration;

namespace Roundabout.Registration.Tests;

/// <summary>The registration agent against real registry hosts on 127.0.0.1.</summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class RegistrationAgentTests
{
    private static readonly Dictionary<string, string> _noMetadata = [];

    [Fact]
    public async Task Renew_RegistryNoLongerKnowsTheLease_RegistersAgainAtOnce()
    {
        // Long leases: only the replacement, not expiry, can make a lease unknown here.
        await using var registry = await RestartableRegistry.StartAsync(new Roundabout.Registry.RegistryHostOptions
        {
            Port = 0,
            Ttl = TimeSpan.FromSeconds(60),
        });
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var agent = Agent(time, registry.Address);
        await agent.RegisterAsync("127.0.0.1:9001", _noMetadata, CancellationToken.None).DefaultTimeout();

        // Someone else registers the same address: the agent's lease is replaced and revoked.
        var other = await registry.Client.RegisterAsync(new RegisterRequest { Address = "127.0.0.1:9001" }).ResponseAsync.DefaultTimeout();
        await agent.RenewOnceAsync(CancellationToken.None).DefaultTimeout();

        // The agent's new registration in turn revoked the other lease.
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            registry.Client.RenewAsync(new RenewRequest { LeaseId = other.LeaseId }).ResponseAsync.DefaultTimeout());
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("127.0.0.1:9001", Assert.Single(await registry.ListAsync()).Address);
    }

    [Fact]
    public async Task Heartbeats_KeepTheServerListedLongAfterTheTtl()
    {
        await using var registry = await RestartableRegistry.StartAsync();
        using var agent = Agent(TimeProvider.System, registry.Address);
        await agent.RegisterAsync("127.0.0.1:9001", _noMetadata, CancellationToken.None).DefaultTimeout();
        var registered = Assert.Single(await registry.ListAsync());

        await Eventually.UntilAsync(
            async () => (await registry.ListAsync()).SingleOrDefault() is { } now
                && now.LastRenewedAt.ToDateTimeOffset() > registered.RegisteredAt.ToDateTimeOffset() + (2 * RestartableRegistry.ShortLeases().Ttl),
            "the agent has renewed for two TTLs");

        // Never evicted and registered again: the registration is the first one.
        Assert.Equal(registered.RegisteredAt, Assert.Single(await registry.ListAsync()).RegisteredAt);
    }

    [Fact]
    public async Task RegistryRestart_AgentIsListedAgain_WithinARenewInterval()
    {
        await using var registry = await RestartableRegistry.StartAsync();
        using var agent = Agent(TimeProvider.System, registry.Address);
        await agent.RegisterAsync("127.0.0.1:9001", _noMetadata, CancellationToken.None).DefaultTimeout();

        var before = Assert.Single(await registry.ListAsync());

        await registry.RestartAsync();
        var restartedAt = DateTimeOffset.UtcNow;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.UntilAsync(async () => (await registry.ListAsync()).Count == 1, "the agent registered with the restarted registry");
        var elapsed = clock.Elapsed;

        // Not the old entry: a new registration, made with the restarted registry (which knew no lease),
        // within one renew interval and a margin for a loaded machine.
        var after = Assert.Single(await registry.ListAsync());
        Assert.True(after.RegisteredAt.ToDateTimeOffset() > before.RegisteredAt.ToDateTimeOffset(), "the listed entry is the one from before the restart");
        Assert.True(after.RegisteredAt.ToDateTimeOffset() >= restartedAt.AddMilliseconds(-50), "the entry was registered before the registry restarted");
        var bound = RestartableRegistry.ShortLeases().EffectiveRenewInterval + TimeSpan.FromSeconds(3);
        Assert.True(elapsed < bound, $"listed again {elapsed.TotalSeconds:F2} s after the restart; the bound is {bound.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task Register_FirstRegistryDown_FailsOverToTheNext()
    {
        await using var registry = await RestartableRegistry.StartAsync();
        using var agent = Agent(TimeProvider.System, new EndpointAddress("127.0.0.1", FreePorts.Next()), registry.Address);

        await agent.RegisterAsync("127.0.0.1:9001", _noMetadata, CancellationToken.None).DefaultTimeout();

        Assert.Single(await registry.ListAsync());
    }

    [Fact]
    public async Task Renew_RegistryGoesAway_FailsOverAndRegistersWithTheNext()
    {
        await using var first = await RestartableRegistry.StartAsync();
        await using var second = await RestartableRegistry.StartAsync();
        using var agent = Agent(TimeProvider.System, first.Address, second.Address);
        await agent.RegisterAsync("127.0.0.1:9001", _noMetadata, CancellationToken.None).DefaultTimeout();
        Assert.Empty(await second.ListAsync());

        await first.StopAsync();

        await Eventually.UntilAsync(async () => (await second.ListAsync()).Count == 1, "the agent moved to the second registry");
    }

    [Fact]
    public async Task Token_IsSentWithRegisterRenewAndDeregister()
    {
        await using var registry = await RestartableRegistry.StartAsync(RestartableRegistry.ShortLeases(token: "t0ken"));
        using var agent = Agent(TimeProvider.System, "t0ken", registry.Address);
        await agent.RegisterAsync("127.0.0.1:9001", _noMetadata, CancellationToken.None).DefaultTimeout();
        var registered = Assert.Single(await registry.ListAsync());

        await Eventually.UntilAsync(
            async () => (await registry.ListAsync()).Single().LastRenewedAt.ToDateTimeOffset() > registered.LastRenewedAt.ToDateTimeOffset(),
            "a renewal with the token went through");
        await agent.DeregisterAsync(CancellationToken.None).DefaultTimeout();

        Assert.Empty(await registry.ListAsync());
    }

    [Fact]
    public async Task Register_WithoutTheRegistrysToken_IsRefusedForGood()
    {
        await using var registry = await RestartableRegistry.StartAsync(RestartableRegistry.ShortLeases(token: "t0ken"));
        using var agent = Agent(TimeProvider.System, registry.Address);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            agent.RegisterAsync("127.0.0.1:9001", _noMetadata, CancellationToken.None).DefaultTimeout());

        Assert.Contains("token", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await registry.ListAsync());
    }

    [Fact]
    public async Task Deregister_StopsTheHeartbeatsFirst_SoTheServerIsNotRegisteredAgain()
    {
        await using var registry = await RestartableRegistry.StartAsync();
        using var agent = Agent(TimeProvider.System, registry.Address);
        await agent.RegisterAsync("127.0.0.1:9001", _noMetadata, CancellationToken.None).DefaultTimeout();
        using var watch = registry.Client.Watch(new WatchRequest());
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());

        await agent.DeregisterAsync(CancellationToken.None).DefaultTimeout();
        await registry.Client.RegisterAsync(new RegisterRequest { Address = "127.0.0.1:9999" }).ResponseAsync.DefaultTimeout();

        // After the LEFT, the next change is the marker registration: the agent did not come back.
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        Assert.Equal(ChangeKind.Left, watch.ResponseStream.Current.Change.Kind);
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        Assert.Equal("127.0.0.1:9999", watch.ResponseStream.Current.Change.Instance.Address);
    }

    private static RegistrationAgent Agent(TimeProvider time, params EndpointAddress[] registries) => Agent(time, null, registries);

    private static RegistrationAgent Agent(TimeProvider time, string? token, params EndpointAddress[] registries) =>
        new(new RegistrationOptions
        {
            Registries = registries,
            Token = token,
            CallDeadline = TimeSpan.FromSeconds(5),
            InitialRetryDelay = TimeSpan.FromMilliseconds(50),
        }, time, NullLogger<RegistrationAgent>.Instance);

}
