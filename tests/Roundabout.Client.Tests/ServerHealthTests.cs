using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Roundabout.Client.Balancing;

namespace Roundabout.Client.Tests;

[Trait(Tier.Name, Tier.Unit)]
public sealed class ServerHealthTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly ServerHealth _health;

    public ServerHealthTests()
    {
        _health = new ServerHealth(new OutlierOptions(), _time, NullLogger.Instance);
    }

    [Fact]
    public void ThreeFailuresInARow_EjectForTheBaseTime_ThenTheServerIsTriedAgain()
    {
        Fail("a", 2);
        Assert.False(_health.IsEjected("a"));

        Fail("a", 1);
        Assert.True(_health.IsEjected("a"));
        Assert.True(_health.AnyEjected);

        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.True(_health.IsEjected("a"));
        _time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.False(_health.IsEjected("a"));
        Assert.False(_health.AnyEjected);
    }

    [Fact]
    public void ASuccess_ResetsTheCountOfFailuresInARow()
    {
        Fail("a", 2);
        _health.RecordSuccess("a");
        Fail("a", 2);

        Assert.False(_health.IsEjected("a"));
    }

    [Fact]
    public void RepeatOffenders_WaitLonger_UpToTheMaximum()
    {
        var expected = new[] { 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 60, 60 };
        foreach (var seconds in expected)
        {
            Fail("a", 3);
            _time.Advance(TimeSpan.FromSeconds(seconds) - TimeSpan.FromMilliseconds(1));
            Assert.True(_health.IsEjected("a"), $"still ejected just before {seconds} s");
            _time.Advance(TimeSpan.FromMilliseconds(2));
            Assert.False(_health.IsEjected("a"), $"back after {seconds} s");
        }

        Assert.Equal(expected.Length, _health.TimesEjected("a"));
    }

    [Fact]
    public void OutstandingCalls_AreCountedPerServer()
    {
        _health.CallStarted("a");
        _health.CallStarted("a");
        _health.CallStarted("b");
        _health.CallCompleted("a", null);

        Assert.Equal(1, _health.Outstanding("a"));
        Assert.Equal(1, _health.Outstanding("b"));
        Assert.Equal(0, _health.Outstanding("c"));
    }

    [Fact]
    public void AllFailing_OnlyWhenNoReadyServerIsUsable()
    {
        var servers = new[] { Server("a"), Server("b") };
        _health.SetReady(["a", "b"]);
        Assert.False(_health.AllFailing(servers));

        Fail("a", 1);
        Assert.False(_health.AllFailing(servers));

        Fail("b", 1);
        Assert.True(_health.AllFailing(servers));

        _health.SetReady(["a"]);
        Assert.True(_health.AllFailing(servers));
        _health.RecordSuccess("a");
        Assert.False(_health.AllFailing(servers));
    }

    private void Fail(string address, int times)
    {
        for (var i = 0; i < times; i++)
        {
            _health.RecordFailure(address, "test");
        }
    }

    private static ServerInfo Server(string address) => new(address, new Dictionary<string, string>(), null, null, false);
}
