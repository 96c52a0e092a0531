using Grpc.Core;
using Roundabout.Client;

namespace Roundabout.Cli.Bench;

/// <summary>
/// The open-loop load tool (as wrk2 and ghz --rps): call i is planned at start + i / rate and sent
/// then, whether or not earlier calls have answered, and its latency runs from that planned time.
/// A closed loop waits for each answer before the next call, so a slow server slows the load it
/// gets and its queueing never shows (coordinated omission); here it shows.
/// </summary>
public static class OpenLoopRunner
{
    public static async Task<BenchReport> RunAsync(
        RoundaboutClient client,
        BenchOptions options,
        Action<BenchProgress>? progress = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var rate = options.Rate ?? throw new ArgumentException("the open loop needs a rate", nameof(options));
        var time = timeProvider ?? TimeProvider.System;
        await client.StartAsync(cancellationToken);

        var planned = options.Requests ?? (long)Math.Ceiling(options.Duration!.Value.TotalSeconds * rate);
        var ticksPerCall = time.TimestampFrequency / (double)rate;
        var record = new OpenLoopRecord(options.Timeout, time);
        var started = time.GetTimestamp();

        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progressTask = progress is null ? Task.CompletedTask : ReportProgressAsync(record, started, options.ProgressInterval, progress, time, stopProgress.Token);

        long sent = 0;
        while (sent < planned && !cancellationToken.IsCancellationRequested)
        {
            var now = time.GetTimestamp();
            var due = started + (long)(sent * ticksPerCall);
            if (due > now)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds((due - now) / (double)time.TimestampFrequency), time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                continue;
            }

            // Every call whose time has come goes now, each timed from its own planned start.
            while (sent < planned && started + (long)(sent * ticksPerCall) <= now)
            {
                record.Track(CallAsync(client, options, record, started + (long)(sent * ticksPerCall), cancellationToken));
                sent++;
            }
        }

        await record.AllDoneAsync();
        var elapsed = time.GetElapsedTime(started);
        await stopProgress.CancelAsync();
        await progressTask;
        return record.Report(options, elapsed, cancellationToken.IsCancellationRequested);
    }

    private static async Task CallAsync(RoundaboutClient client, BenchOptions options, OpenLoopRecord record, long plannedAt, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            var server = options.Operation == BenchOperation.Multiply
                ? (await client.MultiplyAsync(options.Factor, options.AccumulatorName, cancellationToken)).Server
                : (await client.SumAsync("2", "3", cancellationToken)).Server;
            record.Succeeded(plannedAt, server);
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            record.Failed(plannedAt, ex.StatusCode);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or RpcException)
        {
            // Stopped (Ctrl-C): the call in flight is not counted.
        }
    }

    private static async Task ReportProgressAsync(OpenLoopRecord record, long started, TimeSpan interval, Action<BenchProgress> progress, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(interval, time);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var (completed, errors) = record.Counts;
                progress(new BenchProgress(completed, errors, time.GetElapsedTime(started)));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
