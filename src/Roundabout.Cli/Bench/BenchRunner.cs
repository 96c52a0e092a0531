using Grpc.Core;
using HdrHistogram;
using Roundabout.Client;

namespace Roundabout.Cli.Bench;

/// <summary>
/// The load tool: <see cref="BenchOptions.Concurrency"/> workers call the servers through the same
/// <see cref="RoundaboutClient"/> the menu uses, until the count or the duration is reached. Each
/// worker keeps its own counts and latency histogram, merged at the end, so the measuring adds no
/// shared state to the calls it measures and its memory does not grow with the run.
/// </summary>
public static class BenchRunner
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
        var time = timeProvider ?? TimeProvider.System;
        await client.StartAsync(cancellationToken);

        var started = time.GetTimestamp();
        var endTimestamp = options.Duration is { } duration
            ? started + (long)(duration.TotalSeconds * time.TimestampFrequency)
            : long.MaxValue;
        var workers = new Worker[options.Concurrency];
        for (var i = 0; i < workers.Length; i++)
        {
            // A fixed count is shared out up front, so no worker takes tickets from a shared counter.
            long? share = options.Requests is { } requests
                ? (requests / workers.Length) + (i < requests % workers.Length ? 1 : 0)
                : null;
            workers[i] = new Worker(share, endTimestamp);
        }

        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progressTask = progress is null ? Task.CompletedTask : ReportProgressAsync(workers, started, options.ProgressInterval, progress, time, stopProgress.Token);

        await Task.WhenAll(workers.Select(w => Task.Run(() => w.RunAsync(client, options, time, cancellationToken), CancellationToken.None)));
        var elapsed = time.GetElapsedTime(started);

        await stopProgress.CancelAsync();
        await progressTask;

        var latencies = LatencySummary.NewHistogram();
        var servers = new Dictionary<string, long>(StringComparer.Ordinal);
        var errorsByStatus = new Dictionary<string, long>(StringComparer.Ordinal);
        long maxMicroseconds = 0;
        foreach (var worker in workers)
        {
            latencies.Add(worker.Latencies);
            maxMicroseconds = Math.Max(maxMicroseconds, worker.MaxMicroseconds);
            AddAll(servers, worker.Servers);
            foreach (var (status, count) in worker.ErrorsByStatus)
            {
                errorsByStatus[status.ToString()] = errorsByStatus.GetValueOrDefault(status.ToString()) + count;
            }
        }

        return new BenchReport(
            options.Operation,
            options.Concurrency,
            workers.Sum(w => w.Completed),
            workers.Sum(w => w.Errors),
            elapsed,
            LatencySummary.From(latencies, maxMicroseconds),
            servers,
            errorsByStatus)
        {
            PlannedDuration = options.Duration,
            PlannedRequests = options.Requests,
            Interrupted = cancellationToken.IsCancellationRequested,
        };
    }

    private static void AddAll(Dictionary<string, long> into, Dictionary<string, long> from)
    {
        foreach (var (key, count) in from)
        {
            into[key] = into.GetValueOrDefault(key) + count;
        }
    }

    private static async Task ReportProgressAsync(Worker[] workers, long started, TimeSpan interval, Action<BenchProgress> progress, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(interval, time);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                // Each worker's counts have one writer; reading them slightly stale is fine for a progress line.
                progress(new BenchProgress(workers.Sum(w => w.Completed), workers.Sum(w => w.Errors), time.GetElapsedTime(started)));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One worker's loop and everything it counts; only the worker writes to it.</summary>
    private sealed class Worker(long? requests, long endTimestamp)
    {
        private long _completed;
        private long _errors;

        public LongHistogram Latencies { get; } = LatencySummary.NewHistogram();

        public long MaxMicroseconds { get; private set; }

        public Dictionary<string, long> Servers { get; } = new(StringComparer.Ordinal);

        public Dictionary<StatusCode, long> ErrorsByStatus { get; } = [];

        public long Completed => Volatile.Read(ref _completed);

        public long Errors => Volatile.Read(ref _errors);

        public async Task RunAsync(RoundaboutClient client, BenchOptions options, TimeProvider time, CancellationToken cancellationToken)
        {
            var microsecondsPerTick = 1_000_000.0 / time.TimestampFrequency;
            var multiply = options.Operation == BenchOperation.Multiply;
            long done = 0;
            while (!cancellationToken.IsCancellationRequested && (requests is not { } limit || done < limit))
            {
                var started = time.GetTimestamp();
                if (started >= endTimestamp)
                {
                    break;
                }

                try
                {
                    var server = multiply
                        ? (await client.MultiplyAsync(options.Factor, options.AccumulatorName, cancellationToken)).Server
                        : (await client.SumAsync("2", "3", cancellationToken)).Server;
                    ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(Servers, server, out _);
                    count++;
                }
                catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    Volatile.Write(ref _errors, _errors + 1);
                    ErrorsByStatus[ex.StatusCode] = ErrorsByStatus.GetValueOrDefault(ex.StatusCode) + 1;
                }
                catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or RpcException)
                {
                    // Stopped (Ctrl-C): the call in flight is not counted; the report covers the rest.
                    break;
                }

                var microseconds = (long)((time.GetTimestamp() - started) * microsecondsPerTick);
                Latencies.RecordValue(Math.Clamp(microseconds, 0, LatencySummary.HighestMicroseconds));
                if (microseconds > MaxMicroseconds)
                {
                    MaxMicroseconds = microseconds;
                }

                done++;
                Volatile.Write(ref _completed, done);
            }
        }
    }
}
