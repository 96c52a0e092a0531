using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Roundabout.Client.Balancing;

namespace Roundabout.Client.Tests;

/// <summary>Latency outlier ejection: a server far slower than its peers leaves for a while, within a cap, and returns on probation.</summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed class LatencyEjectionTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly ServerHealth _health;

    public LatencyEjectionTests()
    {
        _health = new ServerHealth(new OutlierOptions(), _time, NullLogger.Instance);
        _health.SetReady(["a", "b", "c", "d", "e"]);
        foreach (var peer in new[] { "a", "b", "c", "d", "e" })
        {
            Observe(peer, 2, times: 3);
        }
    }

    [Fact]
    public void AMeasuredServer_WhoseAverageJumpsFarAboveItsPeers_IsEjected()
    {
        // Peak-sensitive: one 2 s answer lifts the average to 2 s at once, 1000 times the peers' median.
        Observe("e", 2000);

        Assert.True(_health.IsEjected("e"));
        Assert.Equal(1, _health.TimesEjected("e"));
        Assert.All(["a", "b", "c", "d"], s => Assert.False(_health.IsEjected(s)));
    }

    [Fact]
    public void AFreshServer_IsNotEjected_BeforeItsMinimumSamples()
    {
        _health.SetReady(["a", "b", "c", "d", "e", "f"]);
        Observe("f", 2000, times: 2);
        Assert.False(_health.IsEjected("f"));

        Observe("f", 2000);
        Assert.True(_health.IsEjected("f"));
    }

    [Fact]
    public void ASlowAverageBelowTheFloor_IsNotEjected_HoweverFastThePeers()
    {
        Observe("e", 90, times: 5);

        Assert.False(_health.IsEjected("e"));
    }

    [Fact]
    public void NoMoreThanTheMaximumShare_IsEjectedAtOnce()
    {
        // 20% of 5 servers: one.
        Observe("d", 2000, times: 3);
        Observe("e", 2000, times: 3);

        Assert.True(_health.IsEjected("d"));
        Assert.False(_health.IsEjected("e"));
    }

    [Fact]
    public void AnEjectedServer_ComesBackOnProbation_AndOneSlowAnswerEjectsItForLonger()
    {
        Observe("e", 2000, times: 3);
        _time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromMilliseconds(1));
        Assert.True(_health.IsEjected("e"));
        _time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.False(_health.IsEjected("e"));

        // Its average was forgotten: it is judged afresh, and on probation one slow answer is enough.
        Assert.Equal(0, _health.LatencyMilliseconds("e"));
        Observe("e", 2000);
        Assert.True(_health.IsEjected("e"));
        Assert.Equal(2, _health.TimesEjected("e"));
        _time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(1));
        Assert.True(_health.IsEjected("e"), "the second ejection lasts twice the first");
    }

    [Fact]
    public void BackFromEjection_FastAnswers_KeepItInTheRotation()
    {
        Observe("e", 2000, times: 3);
        _time.Advance(TimeSpan.FromSeconds(6));

        Observe("e", 2, times: 5);

        Assert.False(_health.IsEjected("e"));
        Assert.Equal(1, _health.TimesEjected("e"));
    }

    [Fact]
    public void LateAnswersFromAnEjectedServer_AreIgnored()
    {
        Observe("e", 2000, times: 3);
        Observe("e", 2000, times: 5);

        _time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(0, _health.LatencyMilliseconds("e"));
    }

    private void Observe(string server, double milliseconds, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            _health.LatencyObserved(server, TimeSpan.FromMilliseconds(milliseconds));
        }
    }
}
