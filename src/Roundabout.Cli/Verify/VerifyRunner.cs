using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using Grpc.Core;
using Roundabout.Client;
using Roundabout.Contracts;

namespace Roundabout.Cli.Verify;

/// <summary>
/// Runs the workload of <c>roundabout verify</c>: multiplies of one fresh accumulator, each by a
/// distinct prime, through the normal client from several tasks at once, recording every outcome,
/// then reads the final value and checks it.
/// </summary>
internal sealed class VerifyRunner(RoundaboutClient client, VerifyOptions options, TimeProvider time)
{
    /// <summary>
    /// The reset, then (after <paramref name="afterReset"/>, which a chaos run uses to start its
    /// faults, since a reset is never retried) the workload, then (after <paramref name="beforeCheck"/>,
    /// which a chaos run uses to end its faults) the check.
    /// </summary>
    public async Task<(IReadOnlyList<MultiplyRecord> History, BigInteger Final, Verdict Verdict)> RunAsync(CancellationToken cancellationToken, Func<Task>? beforeCheck = null, Action? afterReset = null)
    {
        await client.ResetAsync(options.Name, cancellationToken);
        afterReset?.Invoke();
        var primes = new ConcurrentQueue<int>(FirstPrimes(options.Count));
        var history = new ConcurrentBag<MultiplyRecord>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.Duration is { } duration)
        {
            stop.CancelAfter(duration);
        }

        var workers = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && primes.TryDequeue(out var prime))
            {
                history.Add(await MultiplyAsync(prime, cancellationToken));
                if (options.Pace > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(options.Pace, stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            }
        }, CancellationToken.None));
        await Task.WhenAll(workers);
        if (beforeCheck is not null)
        {
            await beforeCheck();
        }

        var final = await ReadFinalAsync(cancellationToken);
        var ordered = history.OrderBy(r => r.Prime).ToList();
        return (ordered, final, ConsistencyChecker.Check(ordered, final));
    }

    /// <summary>The final value; a store still recovering from a fault gets up to 30 s to answer.</summary>
    private async Task<BigInteger> ReadFinalAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            try
            {
                return BigInteger.Parse((await client.GetAccumulatorAsync(options.Name, cancellationToken)).Value, CultureInfo.InvariantCulture);
            }
            catch (RpcException) when (time.GetElapsedTime(started) < TimeSpan.FromSeconds(30) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken);
            }
        }
    }

    private async Task<MultiplyRecord> MultiplyAsync(int prime, CancellationToken cancellationToken)
    {
        var factor = prime.ToString(CultureInfo.InvariantCulture);
        try
        {
            var reply = await client.MultiplyAsync(factor, options.Name, cancellationToken);
            return new MultiplyRecord(prime, reply.RequestId, MultiplyOutcomeKind.Acknowledged, reply.Result, null);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.InvalidArgument or StatusCode.OutOfRange or StatusCode.FailedPrecondition)
        {
            return new MultiplyRecord(prime, string.Empty, MultiplyOutcomeKind.Refused, null, $"{ex.StatusCode}: {ex.Status.Detail}");
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new MultiplyRecord(prime, string.Empty, MultiplyOutcomeKind.Unknown, null, $"{ex.StatusCode}: {ex.Status.Detail}");
        }
    }

    /// <summary>The first <paramref name="count"/> primes.</summary>
    public static List<int> FirstPrimes(int count)
    {
        var primes = new List<int>(count);
        for (var candidate = 2; primes.Count < count; candidate++)
        {
            if (primes.TrueForAll(p => p * p > candidate || candidate % p != 0))
            {
                primes.Add(candidate);
            }
        }

        return primes;
    }

    /// <summary>The most primes whose product stays below the cap of 2^4096.</summary>
    public static int MaxCount { get; } = ComputeMaxCount();

    private static int ComputeMaxCount()
    {
        var product = BigInteger.One;
        var count = 0;
        foreach (var prime in FirstPrimes(1000))
        {
            product *= prime;
            if (!ExactInteger.FitsCap(product))
            {
                break;
            }

            count++;
        }

        return count;
    }
}

/// <param name="Pace">How long each task waits between its multiplies, so a chaos run spreads them over its faults.</param>
internal sealed record VerifyOptions(string Name, int Count, int Concurrency, TimeSpan? Duration, TimeSpan Pace = default);
