using Grpc.Net.Client.Balancer;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Roundabout.Client.Balancing;

namespace Roundabout.Client.Tests;

/// <summary>The peak EWMA average, and the picker's choice over its cost, with time in the test's hands.</summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed class PeakEwmaTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void ASampleAboveTheAverage_ReplacesIt_AndOneBelow_PullsItDownByTheTimeSinceTheLast()
    {
        var ewma = new PeakEwma(TimeSpan.FromSeconds(10), _time);
        ewma.Observe(10, _time.GetTimestamp());
        ewma.Observe(500, _time.GetTimestamp());
        Assert.Equal(500, ewma.Current(_time.GetTimestamp()), 6);

        // 10 s later (one time constant) a 10 ms sample weighs 1 - 1/e.
        _time.Advance(TimeSpan.FromSeconds(10));
        ewma.Observe(10, _time.GetTimestamp());
        Assert.Equal((500 / Math.E) + (10 * (1 - (1 / Math.E))), ewma.Current(_time.GetTimestamp()), 6);
    }

    [Fact]
    public void WithoutSamples_TheAverageDecaysTowardsZero_SoASlowServerIsTriedAgainLater()
    {
        var ewma = new PeakEwma(TimeSpan.FromSeconds(10), _time);
        ewma.Observe(2000, _time.GetTimestamp());

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2000 / Math.E, ewma.Current(_time.GetTimestamp()), 6);
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.True(ewma.Current(_time.GetTimestamp()) < 2000 * Math.Exp(-6) + 1e-9);
    }

    [Fact]
    public void Choose_NeverPicksTheCostliestServer_AndSpreadsOverTheOthers()
    {
        var (health, chooser) = Build("a", "b", "c", "d");
        Observe(health, "a", 2);
        Observe(health, "b", 3);
        Observe(health, "c", 2.5);
        Observe(health, "d", 2000);

        var picks = Picks(chooser, ["a", "b", "c", "d"], 4000);

        Assert.Equal(0, picks["d"]);
        Assert.All(["a", "b", "c"], s => Assert.True(picks[s] > 0, $"{s} was never picked"));
        Assert.True(picks["a"] > picks["b"], "the fastest server wins more draws than the slowest of the fast ones");
    }

    [Fact]
    public void CallsInFlight_MultiplyTheCost()
    {
        var (health, chooser) = Build("a", "b");
        Observe(health, "a", 10);
        Observe(health, "b", 4);

        // b: 4 ms x (2 in flight + 1) = 12 > a: 10 ms x 1.
        health.CallStarted("b");
        health.CallStarted("b");
        Assert.Equal(0, chooser.Choose());

        health.CallCompleted("b", null);
        Assert.Equal(1, chooser.Choose());
    }

    [Fact]
    public void AServerNotMeasuredYet_IsTriedWhileIdle_ButGetsOneCallAtATimeUntilItAnswers()
    {
        var (health, chooser) = Build("a", "new");
        Observe(health, "a", 50);
        Assert.Equal(1, chooser.Choose());

        var call = chooser.TrackCall(1);
        call.Start();
        Assert.Equal(0, chooser.Choose());

        _time.Advance(TimeSpan.FromMilliseconds(300));
        call.Complete(new CompletionContext());
        Assert.Equal(300, health.LatencyMilliseconds("new"), 3);
        Assert.Equal(0, health.Outstanding("new"));
    }

    [Fact]
    public void AServerThatTurnsSlow_CostsMoreThanItsPeers_BeforeItsFirstSlowAnswer()
    {
        var (health, chooser) = Build("fast", "turned-slow");
        Observe(health, "fast", 20);
        Observe(health, "turned-slow", 5);
        Assert.Equal(1, chooser.Choose());

        // One call to the server that has just turned slow: no answer yet, so no slow sample.
        var call = chooser.TrackCall(1);
        call.Start();
        _time.Advance(TimeSpan.FromMilliseconds(30));

        // Its average is still 5 ms, but it has held a call for 30 ms: 30 x (1 + 1) > 20 x 1.
        Assert.Equal(5, health.LatencyMilliseconds("turned-slow"), 1);
        Assert.Equal(0, chooser.Choose());

        // Once the call ends, nothing is in flight and its average holds the slow sample.
        call.Complete(new CompletionContext());
        Assert.Equal(30, health.LatencyMilliseconds("turned-slow"), 3);
        Assert.Equal(0, health.Outstanding("turned-slow"));
        Assert.Equal(0, chooser.Choose());
    }

    [Fact]
    public void ACallThatTimedOut_CountsItsWait_ButARefusedConnectionSaysNothingAboutLatency()
    {
        var (health, chooser) = Build("a", "b");
        var timedOut = chooser.TrackCall(0);
        timedOut.Start();
        _time.Advance(TimeSpan.FromSeconds(1));
        timedOut.Complete(new CompletionContext { Error = new OperationCanceledException() });
        Assert.Equal(1000, health.LatencyMilliseconds("a"), 3);

        var refused = chooser.TrackCall(1);
        refused.Start();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        refused.Complete(new CompletionContext { Error = new HttpRequestException("Connection refused") });
        Assert.Equal(0, health.LatencyMilliseconds("b"));
        Assert.Equal(0, health.Outstanding("b"));
    }

    private (ServerHealth Health, PeakEwmaChooser Chooser) Build(params string[] servers)
    {
        var health = new ServerHealth(new OutlierOptions(), _time, NullLogger.Instance);
        health.SetReady(servers);
        return (health, new PeakEwmaChooser(servers, health, new Random(24), _time));
    }

    private static void Observe(ServerHealth health, string server, double milliseconds) =>
        health.LatencyObserved(server, TimeSpan.FromMilliseconds(milliseconds));

    private static Dictionary<string, int> Picks(PeakEwmaChooser chooser, string[] servers, int draws)
    {
        var picks = servers.ToDictionary(s => s, _ => 0);
        for (var i = 0; i < draws; i++)
        {
            picks[servers[chooser.Choose()]]++;
        }

        return picks;
    }
}
