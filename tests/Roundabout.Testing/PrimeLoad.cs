using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using Grpc.Core;
using Roundabout.Client;
using Xunit;

namespace Roundabout.Testing;

/// <summary>
/// A multiply load through the real client that can be checked exactly: each worker multiplies one
/// accumulator by its own distinct primes, each with a request id of its own. Every outcome is
/// recorded: acknowledged, unknown (the call failed in a way that may or may not have applied it),
/// or failed outright. Factoring the final value shows which multiplies were applied, and how often.
/// </summary>
public sealed class PrimeLoad
{
    private readonly RoundaboutClient _client;
    private readonly int _workers;
    private readonly int _perWorker;
    private readonly int[] _primes;
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly ConcurrentBag<(long Started, long Ended)> _calls = [];

    public PrimeLoad(RoundaboutClient client, int workers, int perWorker)
    {
        _client = client;
        _workers = workers;
        _perWorker = perWorker;
        _primes = Primes.First(workers * perWorker);
    }

    /// <summary>The accumulator the load multiplies, fresh for each load.</summary>
    public string Name { get; } = "load" + Guid.NewGuid().ToString("N")[..10];

    public ConcurrentBag<int> Acknowledged { get; } = [];

    /// <summary>Multiplies whose call failed with a status that leaves the outcome open (kept for <see cref="ResendUnknownAsync"/>).</summary>
    public ConcurrentBag<int> Unknown { get; } = [];

    /// <summary>Calls that failed any other way, with their status.</summary>
    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>How many calls had started and not yet ended at <paramref name="timestamp"/> (from <see cref="TimeProvider.GetTimestamp"/>).</summary>
    public int CallsInFlightAt(long timestamp) => _calls.Count(c => c.Started < timestamp && c.Ended > timestamp);

    /// <summary>
    /// Runs the load. When <paramref name="halfway"/> is given, each worker waits for it half way
    /// through, so that calls are still in flight when the fault it stands for begins.
    /// </summary>
    public Task RunAsync(Task? halfway = null) =>
        Task.WhenAll(Enumerable.Range(0, _workers).Select(w => Task.Run(() => WorkAsync(w, halfway))));

    /// <summary>Sends every unknown multiply again with its own request id until each is acknowledged.</summary>
    public async Task ResendUnknownAsync()
    {
        foreach (var prime in Unknown)
        {
            await Eventually.UntilAsync(
                async () =>
                {
                    await _client.MultiplyAsync(Text(prime), Name, RequestId(prime), CancellationToken.None);
                    return true;
                },
                $"the multiply by {prime} is acknowledged when sent again");
        }
    }

    /// <summary>Every multiply of the load was applied exactly once, and nothing else was.</summary>
    public async Task AssertEachAppliedOnceAsync()
    {
        var reply = await _client.GetAccumulatorAsync(Name).DefaultTimeout();
        var (multiplicity, remainder) = Primes.Factor(BigInteger.Parse(reply.Value, CultureInfo.InvariantCulture), _primes);
        Assert.Empty(Failures);
        Assert.Equal(_primes.Length, Acknowledged.Count + Unknown.Count);
        Assert.All(_primes, p => Assert.True(multiplicity[p] == 1, $"the multiply by {p} was applied {multiplicity[p]} times"));
        Assert.Equal(BigInteger.One, remainder);
    }

    private async Task WorkAsync(int worker, Task? halfway)
    {
        for (var i = 0; i < _perWorker; i++)
        {
            var prime = _primes[(worker * _perWorker) + i];
            var started = TimeProvider.System.GetTimestamp();
            try
            {
                await _client.MultiplyAsync(Text(prime), Name, RequestId(prime), CancellationToken.None);
                Acknowledged.Add(prime);
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Aborted)
            {
                Unknown.Add(prime);
            }
            catch (RpcException ex)
            {
                _failures.Enqueue($"{prime}: {ex.Status}");
            }
            finally
            {
                _calls.Add((started, TimeProvider.System.GetTimestamp()));
            }

            if (halfway is not null && i == _perWorker / 2)
            {
                await halfway.WaitAsync(TimeSpan.FromSeconds(90));
            }
        }
    }

    private string RequestId(int prime) => $"{Name}-{prime}";

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
