using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Roundabout.Client.Discovery;
using Roundabout.Contracts.Registry.V1;
using Roundabout.Dashboard.State;
using RegistryApi = Roundabout.Contracts.Registry.V1.Registry;

namespace Roundabout.Dashboard.Membership;

/// <summary>
/// Follows the registry as any client does, with the client library's watch loop
/// (<see cref="RegistryWatcher"/>): its watch stream for joins, leaves and evictions the moment
/// they happen, and a ListInstances per sample interval for renewal times (renewals are not watch
/// events). A broken stream, or a list that fails, marks the registry unreachable; the stream is
/// opened again, on the next registry when there are several, after a backoff that grows to 2 s.
/// A new stream starts with a snapshot, so nothing is missed.
/// </summary>
internal sealed class MembershipMonitor(
    DashboardOptions options,
    DashboardState state,
    GrpcChannels channels,
    TimeProvider time,
    ILogger<MembershipMonitor> logger) : BackgroundService, IRegistryWatchTarget, IRegistryWatchObserver
{
    /// <summary>The client's backoff, capped lower: the page shows a registry that is back within 2 s.</summary>
    private static readonly RegistryWatchOptions _backoff = new() { MaxBackoff = TimeSpan.FromSeconds(2) };
    private int _current;
    private volatile bool _watchOpen;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(RegistryWatcher.RunAsync(this, options.Service, this, _backoff, time, stoppingToken), RenewalLoopAsync(stoppingToken));

    AsyncServerStreamingCall<WatchEvent> IRegistryWatchTarget.OpenWatch(string service, out string registry, CancellationToken cancellationToken)
    {
        var address = options.Registries[Volatile.Read(ref _current)];
        registry = address.ToString();
        return new RegistryApi.RegistryClient(channels.For(address)).Watch(new WatchRequest { Service = service }, cancellationToken: cancellationToken);
    }

    void IRegistryWatchTarget.MoveToNext() =>
        Volatile.Write(ref _current, (Volatile.Read(ref _current) + 1) % options.Registries.Count);

    void IRegistryWatchObserver.Opened(string registry)
    {
        _watchOpen = true;
        state.RegistryReachable(registry);
        Log.RegistryWatching(logger, registry);
    }

    void IRegistryWatchObserver.Snapshot(string registry, long revision, IReadOnlyList<Instance> instances) =>
        state.ReplaceMembers(registry, revision, instances.Select(Member.From));

    void IRegistryWatchObserver.Changed(InstanceChange change, long revision) =>
        state.ApplyChange(change.Kind, Member.From(change.Instance), revision);

    void IRegistryWatchObserver.Broken(string registry, RpcException? error, TimeSpan retryIn)
    {
        var reason = error is null ? "the watch stream ended" : Describe(error);
        _watchOpen = false;
        state.RegistryUnreachable(registry, reason);
        Log.RegistryUnreachable(logger, registry, reason, retryIn.TotalSeconds);
    }

    /// <summary>Renewal times, and a registry that hangs (a paused process keeps its stream open but answers nothing).</summary>
    private async Task RenewalLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.SampleInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!_watchOpen)
                {
                    continue;
                }

                var registry = options.Registries[Volatile.Read(ref _current)];
                var started = time.GetTimestamp();
                try
                {
                    var reply = await new RegistryApi.RegistryClient(channels.For(registry)).ListInstancesAsync(
                        new ListInstancesRequest { Service = options.Service },
                        deadline: time.GetUtcNow().UtcDateTime + options.CallDeadline,
                        cancellationToken: stoppingToken);
                    state.RegistryRoundTrip(time.GetElapsedTime(started).TotalMilliseconds);
                    state.RefreshRenewals(reply.Instances.Select(Member.From));
                    if (_watchOpen)
                    {
                        state.RegistryReachable(registry.ToString());
                    }
                }
                catch (RpcException ex) when (!stoppingToken.IsCancellationRequested)
                {
                    state.RegistryUnreachable(registry.ToString(), Describe(ex));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal static string Describe(RpcException ex) =>
        string.IsNullOrEmpty(ex.Status.Detail) ? ex.StatusCode.ToString() : $"{ex.StatusCode}: {ex.Status.Detail}";
}
