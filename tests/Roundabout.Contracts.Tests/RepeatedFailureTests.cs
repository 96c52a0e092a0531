using Microsoft.Extensions.Time.Testing;

using Roundabout.Contracts;

namespace Roundabout.Contracts.Tests;

[Trait(Tier.Name, Tier.Unit)]
public sealed class RepeatedFailureTests
{
    [Fact]
    public void Fail_OncePerSecond_LogsTheFirstThenSummariesAtTenThirtyAndSeventySecondsThenEveryMinute()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var failures = new RepeatedFailure(time);
        var logged = new List<(int Second, FailureReport Report)>();

        for (var second = 0; second < 200; second++)
        {
            var report = failures.Fail();
            if (report.Log != FailureLog.Quiet)
            {
                logged.Add((second, report));
            }

            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal([0, 10, 30, 70, 130, 190], logged.Select(l => l.Second));
        Assert.Equal(FailureLog.First, logged[0].Report.Log);
        Assert.All(logged.Skip(1), l => Assert.Equal(FailureLog.Summary, l.Report.Log));
        Assert.Equal(11, logged[1].Report.Attempts);
        Assert.Equal(TimeSpan.FromSeconds(10), logged[1].Report.For);
    }

    [Fact]
    public void Succeed_AfterFailures_SaysHowLongAndHowManyOnce_AndTheNextFailureIsLoggedInFullAgain()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var failures = new RepeatedFailure(time);
        Assert.Null(failures.Succeed());

        failures.Fail();
        time.Advance(TimeSpan.FromSeconds(12));
        failures.Fail();

        var ended = failures.Succeed();
        Assert.Equal(new FailureReport(FailureLog.Ended, TimeSpan.FromSeconds(12), 2), ended);
        Assert.Null(failures.Succeed());
        Assert.Equal(FailureLog.First, failures.Fail().Log);
    }

    [Theory]
    [InlineData(250, "250 ms")]
    [InlineData(2_000, "2 s")]
    [InlineData(2_500, "2.5 s")]
    [InlineData(12_000, "12 s")]
    [InlineData(180_000, "3 min")]
    public void HumanDuration_PrintsMillisecondsSecondsOrMinutes(int milliseconds, string expected) =>
        Assert.Equal(expected, Roundabout.Contracts.HumanDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
