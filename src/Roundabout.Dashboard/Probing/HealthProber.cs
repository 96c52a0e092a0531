using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Hosting;
using Roundabout.Client.Network;
using Roundabout.Contracts;
using Roundabout.Dashboard.Network;
using Roundabout.Dashboard.State;

namespace Roundabout.Dashboard.Probing;

/// <summary>
/// Once per sample interval, asks every member for its health (grpc.health.v1, all members at
/// once, each with the call deadline, at most <see cref="DashboardOptions.MaxConcurrentProbes"/> in
/// flight) and times the round trip: the dashboard's own latency sample.
/// </summary>
internal sealed class HealthProber(DashboardOptions options, DashboardState state, GrpcChannels channels, NameResolver resolver, TimeProvider time) : BackgroundService
{
    private readonly ProbeSlots _slots = new(options);

    public override void Dispose()
    {
        _slots.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.SampleInterval, time);
        try
        {
            do
            {
                var members = state.Members;
                channels.Retain(members.Select(m => m.Address));
                resolver.Retain(KnownHosts(members));
                var results = await Task.WhenAll(members.Select(m => _slots.RunAsync(
                    () => ProbeAsync(m.Address, stoppingToken),
                    reason => (Address: m.Address, Health: new HealthView(HealthStatus.Unreachable, null, time.GetUtcNow(), reason)),
                    stoppingToken)));
                state.SetHealth(results.ToDictionary(r => r.Address, r => r.Health, StringComparer.OrdinalIgnoreCase));
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The hosts the dashboard may still dial: the members', the registries', the database's and the allowed metrics hosts.</summary>
    private IEnumerable<string> KnownHosts(IReadOnlyList<Member> members) =>
        members.Select(m => EndpointAddress.TryParse(m.Address, out var a, out _) ? a.Host : m.Address)
            .Concat(options.Registries.Select(r => r.Host))
            .Append(options.Database.Host)
            .Concat(options.MetricsHosts);

    private async Task<(string Address, HealthView Health)> ProbeAsync(string address, CancellationToken cancellationToken)
    {
        if (!EndpointAddress.TryParse(address, out var endpoint, out var error))
        {
            return (address, new HealthView(HealthStatus.Unreachable, null, time.GetUtcNow(), $"not an address: {error}"));
        }

        try
        {
            // A name that does not resolve costs no channel, and no thread while it is looked up.
            await resolver.ResolveAsync(endpoint.Host, cancellationToken);
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            return (address, new HealthView(HealthStatus.Unreachable, null, time.GetUtcNow(), ex.Message));
        }

        var started = time.GetTimestamp();
        try
        {
            var reply = await new Health.HealthClient(channels.For(endpoint)).CheckAsync(
                new HealthCheckRequest(),
                deadline: time.GetUtcNow().UtcDateTime + options.CallDeadline,
                cancellationToken: cancellationToken);
            var roundTrip = time.GetElapsedTime(started).TotalMilliseconds;
            var status = reply.Status == HealthCheckResponse.Types.ServingStatus.Serving ? HealthStatus.Serving : HealthStatus.NotServing;
            return (address, new HealthView(status, roundTrip, time.GetUtcNow(), status == HealthStatus.Serving ? null : reply.Status.ToString()));
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return (address, new HealthView(HealthStatus.Unreachable, null, time.GetUtcNow(), Membership.MembershipMonitor.Describe(ex)));
        }
    }
}
