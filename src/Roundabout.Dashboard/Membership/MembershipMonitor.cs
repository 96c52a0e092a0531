using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Roundabout.Contracts.Registry.V1;
using Roundabout.Dashboard.State;
using RegistryApi = Roundabout.Contracts.Registry.V1.Registry;

namespace Roundabout.Dashboard.Membership;

/// <summary>
/// Follows the registry as any client does: its watch stream for joins, leaves and evictions the
/// moment they happen, and a ListInstances per sample interval for renewal times (renewals are
/// not watch events). A broken stream, or a list that fails, marks the registry unreachable; the
/// stream is opened again, on the next registry when there are several, after a backoff that
/// grows to 2 s. A new stream starts with a snapshot, so nothing is missed.
/// </summary>
internal sealed class MembershipMonitor(
    DashboardOptions options,
    DashboardState state,
    GrpcChannels channels,
    TimeProvider time,
    ILogger<MembershipMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan _firstBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan _maxBackoff = TimeSpan.FromSeconds(2);
    private int _current;
    private volatile bool _watchOpen;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(WatchLoopAsync(stoppingToken), RenewalLoopAsync(stoppingToken));

    private async Task WatchLoopAsync(CancellationToken stoppingToken)
    {
        var backoff = _firstBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            var registry = options.Registries[Volatile.Read(ref _current)];
            var address = registry.ToString();
            string error;
            try
            {
                using var call = new RegistryApi.RegistryClient(channels.For(registry)).Watch(new WatchRequest { Service = options.Service }, cancellationToken: stoppingToken);
                long revision = -1;
                await foreach (var update in call.ResponseStream.ReadAllAsync(stoppingToken))
                {
                    if (!_watchOpen)
                    {
                        _watchOpen = true;
                        backoff = _firstBackoff;
                        state.RegistryReachable(address);
                        Log.RegistryWatching(logger, address);
                    }

                    if (update.EventCase == WatchEvent.EventOneofCase.Snapshot)
                    {
                        revision = update.Revision;
                        state.ReplaceMembers(address, revision, update.Snapshot.Instances.Select(Member.From));
                    }
                    else if (update.EventCase == WatchEvent.EventOneofCase.Change && update.Revision > revision)
                    {
                        revision = update.Revision;
                        state.ApplyChange(update.Change.Kind, Member.From(update.Change.Instance), revision);
                    }
                }

                error = "the watch stream ended";
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException ex) when (stoppingToken.IsCancellationRequested && ex.StatusCode == StatusCode.Cancelled)
            {
                return;
            }
            catch (RpcException ex)
            {
                error = Describe(ex);
            }

            _watchOpen = false;
            state.RegistryUnreachable(address, error);
            Log.RegistryUnreachable(logger, address, error, backoff.TotalSeconds);
            if (options.Registries.Count > 1)
            {
                Volatile.Write(ref _current, (Volatile.Read(ref _current) + 1) % options.Registries.Count);
            }

            try
            {
                await Task.Delay(backoff, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _maxBackoff.Ticks));
        }
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
