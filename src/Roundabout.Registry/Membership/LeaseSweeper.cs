using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Roundabout.Registry.Telemetry;

namespace Roundabout.Registry.Membership;

/// <summary>Runs the backend's sweep on a short period and logs (and counts) what it evicted or held.</summary>
internal sealed class LeaseSweeper(IMembershipBackend backend, SweepSchedule schedule, TimeProvider time, RegistryMetrics metrics, ILogger<LeaseSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(schedule.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                Report(await backend.SweepAsync(stoppingToken).ConfigureAwait(false));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Report(SweepReport report)
    {
        if (report.Paused)
        {
            Log.RegistryPaused(logger, backend.Ttl.TotalSeconds);
        }

        foreach (var group in report.Held)
        {
            Log.EvictionHeld(logger, group.Instances.Count, group.Total, group.Service, schedule.SuspectGrace.TotalSeconds,
                string.Join(", ", group.Instances.Select(i => i.Address)));
        }

        foreach (var instance in report.Evicted)
        {
            metrics.Evicted(instance);
            Log.ServerEvicted(logger, instance);
        }
    }
}

/// <summary>How often the sweep runs, and how long suspects are kept (for the log).</summary>
internal sealed record SweepSchedule(TimeSpan Interval, TimeSpan SuspectGrace);
