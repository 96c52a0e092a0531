using System.Diagnostics;

namespace Roundabout.Bench.Store;

/// <summary>Runs one operation from many concurrent clients for a fixed time and counts completions.</summary>
internal static class LoadRunner
{
    public static async Task<Measurement> RunAsync(string name, int clients, TimeSpan duration, Func<int, long, Task> operation)
    {
        // A short warm-up so connections, JIT and caches are in place before the clock starts.
        await RunForAsync(clients, TimeSpan.FromSeconds(1), operation);
        var (count, errors, elapsed) = await RunForAsync(clients, duration, operation);
        return new Measurement(name, count, errors, elapsed);
    }

    private static async Task<(long Count, long Errors, TimeSpan Elapsed)> RunForAsync(int clients, TimeSpan duration, Func<int, long, Task> operation)
    {
        long count = 0;
        long errors = 0;
        using var stop = new CancellationTokenSource(duration);
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            for (long i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    await operation(client, i);
                    Interlocked.Increment(ref count);
                }
                catch (Exception) when (!stop.IsCancellationRequested)
                {
                    if (Interlocked.Increment(ref errors) > 1000)
                    {
                        throw;
                    }
                }
            }
        }));
        await Task.WhenAll(tasks);
        return (count, errors, clock.Elapsed);
    }
}

internal sealed record Measurement(string Name, long Count, long Errors, TimeSpan Elapsed)
{
    public double PerSecond => Count / Elapsed.TotalSeconds;

    public override string ToString() => $"{Name,-44} {PerSecond,10:N0} ops/s  ({Count:N0} in {Elapsed.TotalSeconds:N1} s{(Errors > 0 ? $", {Errors} errors" : string.Empty)})";
}
