using System.Collections.Concurrent;
using Grpc.Core;
using Roundabout.Client;

namespace Roundabout.Cli.Bench;

/// <summary>
/// The load tool: <see cref="BenchOptions.Concurrency"/> workers call the servers through the same
/// <see cref="RoundaboutClient"/> the menu uses, until the count or the duration is reached.
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

        var state = new RunState(options, time);
        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progressTask = progress is null ? Task.CompletedTask : ReportProgressAsync(state, options.ProgressInterval, progress, time, stopProgress.Token);

        var workers = Enumerable.Range(0, options.Concurrency)
            .Select(_ => Task.Run(() => WorkAsync(client, options, state, time, cancellationToken), CancellationToken.None))
            .ToArray();
        var latencies = await Task.WhenAll(workers);
        var elapsed = time.GetElapsedTime(state.Started);

        await stopProgress.CancelAsync();
        await progressTask;

        var all = new List<double>(latencies.Sum(l => l.Count));
        foreach (var list in latencies)
        {
            all.AddRange(list);
        }

        return new BenchReport(
            options.Operation,
            options.Concurrency,
            Interlocked.Read(ref state.Completed),
            Interlocked.Read(ref state.Errors),
            elapsed,
            LatencySummary.From(all),
            new Dictionary<string, long>(state.Servers),
            new Dictionary<string, long>(state.ErrorsByStatus));
    }

    private static async Task<List<double>> WorkAsync(RoundaboutClient client, BenchOptions options, RunState state, TimeProvider time, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        while (!cancellationToken.IsCancellationRequested && state.TryTakeTicket())
        {
            var started = time.GetTimestamp();
            try
            {
                var server = options.Operation == BenchOperation.Multiply
                    ? (await client.MultiplyAsync(options.Factor, options.AccumulatorName, cancellationToken)).Server
                    : (await client.SumAsync("2", "3", cancellationToken)).Server;
                state.Servers.AddOrUpdate(server, 1, static (_, n) => n + 1);
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref state.Errors);
                state.ErrorsByStatus.AddOrUpdate(ex.StatusCode.ToString(), 1, static (_, n) => n + 1);
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or RpcException)
            {
                // Stopped (Ctrl-C): the call in flight is not counted; the report covers the rest.
                break;
            }

            latencies.Add(time.GetElapsedTime(started).TotalMilliseconds);
            Interlocked.Increment(ref state.Completed);
        }

        return latencies;
    }

    private static async Task ReportProgressAsync(RunState state, TimeSpan interval, Action<BenchProgress> progress, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(interval, time);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                progress(new BenchProgress(Interlocked.Read(ref state.Completed), Interlocked.Read(ref state.Errors), time.GetElapsedTime(state.Started)));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed class RunState(BenchOptions options, TimeProvider time)
    {
        public readonly long Started = time.GetTimestamp();
        public readonly ConcurrentDictionary<string, long> Servers = new(StringComparer.Ordinal);
        public readonly ConcurrentDictionary<string, long> ErrorsByStatus = new(StringComparer.Ordinal);
        public long Completed;
        public long Errors;
        private long _tickets;

        /// <summary>True while the run may start another call: under the count, or before the end time.</summary>
        public bool TryTakeTicket()
        {
            if (options.Requests is { } requests)
            {
                return Interlocked.Increment(ref _tickets) <= requests;
            }

            return time.GetElapsedTime(Started) < options.Duration!.Value && Interlocked.Increment(ref _tickets) <= BenchOptions.MaxRequests;
        }
    }
}
