using Microsoft.Extensions.Hosting;
using Roundabout.Dashboard.State;

namespace Roundabout.Dashboard.History;

/// <summary>Once per sample interval, records what the state shows into the history and hands the new points to the pages.</summary>
internal sealed class HistoryRecorder(DashboardOptions options, DashboardState state, HistoryStore store, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.SampleInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                state.SetLatestSample(store.Record(state.Snapshot()));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
