using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Roundabout.Server.Calculation;

namespace Roundabout.Server.Tests.Calculation;

[Trait(Tier.Name, Tier.Unit)]
public sealed class RequestLogTests
{
    [Fact]
    public void ShouldLog_AboveTheRate_HoldsLinesBackAndSummarizesThemOncePerSecond()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logger = new ListLogger();
        using var log = new RequestLog(time, logger);

        var written = Enumerable.Range(0, RequestLog.LinesPerSecond + 15).Count(i => log.ShouldLog(i % 3 == 0 ? RequestKind.Multiply : RequestKind.Sum));

        Assert.Equal(RequestLog.LinesPerSecond, written);
        Assert.Empty(logger.Lines);
        time.Advance(TimeSpan.FromSeconds(1));
        var summary = Assert.Single(logger.Lines);
        Assert.Matches(@"^\d+ more Sum and \d+ more Multiply requests in the last second", summary);
        var counts = System.Text.RegularExpressions.Regex.Matches(summary, @"\d+").Take(2).Sum(m => int.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(15, counts);

        // A new second: per-request lines are back, and a quiet second writes no summary.
        Assert.True(log.ShouldLog(RequestKind.Sum));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Single(logger.Lines);
    }

    [Fact]
    public void ShouldLog_InformationOff_WritesNothing()
    {
        var time = new FakeTimeProvider();
        using var log = new RequestLog(time, new ListLogger(LogLevel.Warning));

        Assert.False(log.ShouldLog(RequestKind.Sum));
    }

    private sealed class ListLogger(LogLevel minimum = LogLevel.Information) : ILogger<CalculatorService>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add(formatter(state, exception));
            }
        }
    }
}
