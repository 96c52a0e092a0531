using Grpc.Net.Client.Balancer;

namespace Roundabout.Client.Balancing;

/// <summary>
/// The choice of the peak EWMA policy, apart from grpc-dotnet's subchannels so that tests can drive
/// it: two different random servers that are not ejected, and the one with the lower
/// <see cref="ServerHealth.Cost"/> (latency average times calls in flight plus one) wins. Each
/// call gets a tracker that times it, so its latency feeds the server's average.
/// </summary>
internal sealed class PeakEwmaChooser
{
    private readonly string[] _keys;
    private readonly CallTracker[] _trackers;
    private readonly ServerHealth _health;
    private readonly Random _random;
    private readonly TimeProvider _time;

    public PeakEwmaChooser(string[] keys, ServerHealth health, Random random, TimeProvider time)
    {
        _keys = keys;
        _trackers = [.. keys.Select(health.TrackerFor)];
        _health = health;
        _random = random;
        _time = time;
    }

    public int Choose()
    {
        var (first, second) = TwoRandomChoices.Draw(_keys, _health, _random);
        if (second < 0)
        {
            return first;
        }

        var now = _time.GetTimestamp();
        return ServerHealth.Cost(_trackers[second], now) < ServerHealth.Cost(_trackers[first], now) ? second : first;
    }

    /// <summary>A tracker for one call to server <paramref name="index"/>: it counts the call in flight and times it.</summary>
    public ISubchannelCallTracker TrackCall(int index) => new TimedCall(_trackers[index], _health, _time);

    private sealed class TimedCall(CallTracker server, ServerHealth health, TimeProvider time) : ISubchannelCallTracker
    {
        private long _started;

        public void Start()
        {
            _started = time.GetTimestamp();
            server.Latency.CallStarted(_started);
            server.Start();
        }

        public void Complete(CompletionContext context)
        {
            server.Latency.CallEnded(time.GetTimestamp());
            // An answer, or a call that waited until its deadline: both say how slow the server is.
            // A refused connection says nothing about latency (the failure count sees it).
            if (context.Error is null or OperationCanceledException or TimeoutException
                or Grpc.Core.RpcException { StatusCode: Grpc.Core.StatusCode.DeadlineExceeded or Grpc.Core.StatusCode.Cancelled })
            {
                health.LatencyObserved(server, time.GetElapsedTime(_started));
            }

            server.Complete(context);
        }
    }
}
