using Grpc.Core;
using Roundabout.Contracts.Registry.V1;
using RegistryClient = Roundabout.Contracts.Registry.V1.Registry.RegistryClient;

namespace Roundabout.Registry.Tests.Grpc;

/// <summary>
/// One client (one remote address) cannot take what the registry has for everyone: the second
/// client connects from 127.0.0.2, which the registry on 127.0.0.1 sees as another address.
/// </summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class ClientLimitsTests
{
    [Fact]
    public async Task Watch_OneClientOpening1100Watches_IsRefusedPastItsShare_AndAnotherClientStillWatches()
    {
        await using var registry = await RunningRegistry.StartAsync();
        var greedy = registry.CreateClient();
        var calls = Enumerable.Range(0, 1_100).Select(_ => greedy.Watch(new WatchRequest())).ToArray();
        try
        {
            var outcomes = await Task.WhenAll(calls.Select(FirstAsync)).WaitAsync(TimeSpan.FromSeconds(60));

            using var otherChannel = OtherLoopback.Channel(registry.Port, OtherLoopback.Second);
            using var other = new RegistryClient(otherChannel).Watch(new WatchRequest());
            var otherOutcome = await FirstAsync(other);

            Assert.Equal("snapshot", otherOutcome);
            Assert.Equal(100, outcomes.Count(o => o == "snapshot"));
            var refused = outcomes.Where(o => o != "snapshot").Distinct().ToArray();
            Assert.Contains("ResourceExhausted", Assert.Single(refused), StringComparison.Ordinal);
            Assert.Contains("--max-watches-per-client", refused[0], StringComparison.Ordinal);
        }
        finally
        {
            foreach (var call in calls)
            {
                call.Dispose();
            }
        }
    }

    [Fact]
    public async Task Register_FloodFromOneClient_IsRefusedPastItsRate_AndAnotherClientStillRegistersAndLists()
    {
        await using var registry = await RunningRegistry.StartAsync(new RegistryHostOptions { MaxRegistrationsPerSecond = 1, RegistrationBurst = 5 });
        var flooder = registry.CreateClient();
        var refusals = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            try
            {
                await flooder.RegisterAsync(new RegisterRequest { Address = $"flood{i}.invalid:1000" }).ResponseAsync.DefaultTimeout();
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
            {
                refusals.Add(ex.Status.Detail);
            }
        }

        using var otherChannel = OtherLoopback.Channel(registry.Port, OtherLoopback.Second);
        var other = new RegistryClient(otherChannel);
        await other.RegisterAsync(new RegisterRequest { Address = "127.0.0.2:9001" }).ResponseAsync.DefaultTimeout();
        var listed = await other.ListInstancesAsync(new ListInstancesRequest()).ResponseAsync.DefaultTimeout();

        // Five at once, then one a second: a machine slow enough to let many more through would need 40 s for the loop.
        Assert.True(refusals.Count >= 30, $"only {refusals.Count} of 50 registrations were refused");
        Assert.Contains("--max-registrations-per-second", refusals[0], StringComparison.Ordinal);
        Assert.Contains("127.0.0.2:9001", listed.Instances.Select(i => i.Address));
        Assert.Equal(51 - refusals.Count, listed.Instances.Count);
    }

    private static async Task<string> FirstAsync(AsyncServerStreamingCall<WatchEvent> call)
    {
        try
        {
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout(), "the watch ended");
            return call.ResponseStream.Current.EventCase == WatchEvent.EventOneofCase.Snapshot ? "snapshot" : "change";
        }
        catch (RpcException ex)
        {
            return $"{ex.StatusCode}: {ex.Status.Detail}";
        }
    }
}
