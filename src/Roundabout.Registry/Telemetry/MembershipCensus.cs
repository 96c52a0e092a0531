using Microsoft.Extensions.Hosting;
using Roundabout.Registry.Membership;

namespace Roundabout.Registry.Telemetry;

/// <summary>
/// Counts each known service's members and suspects once a second for the gauges, from the
/// backend's own list (so with etcd it counts the instances every registry sees). Lists nothing
/// while no metrics reader is attached.
/// </summary>
internal sealed class MembershipCensus(IMembershipBackend backend, RegistryMetrics metrics, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                if (metrics.CensusWanted)
                {
                    await CountAsync(stoppingToken);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task CountAsync(CancellationToken cancellationToken)
    {
        foreach (var service in metrics.Services)
        {
            try
            {
                metrics.Counted(await backend.ListAsync(service, cancellationToken), service);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The backend is unreachable (etcd without quorum): keep the last count; the
                // registry's own requests report the outage.
            }
        }
    }
}
