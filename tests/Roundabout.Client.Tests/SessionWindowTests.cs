using Microsoft.Extensions.Time.Testing;
using Roundabout.Client.Retries;
using Roundabout.Client.Sessions;

namespace Roundabout.Client.Tests;

/// <summary>The client's side of sessions: sequences, the confirmation floor, and the retry budget.</summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed class SessionWindowTests
{
    [Fact]
    public void Window_FloorIsTheLowestSequenceInFlight()
    {
        var window = new SequenceWindow();
        var (a, b, c) = (window.Begin(), window.Begin(), window.Begin());

        Assert.Equal((1UL, 2UL, 3UL), (a, b, c));
        Assert.Equal(1UL, window.ConfirmedBelow);
        window.End(b);
        Assert.Equal(1UL, window.ConfirmedBelow);
        window.End(a);
        Assert.Equal(3UL, window.ConfirmedBelow);
        window.End(c);
        Assert.Equal(4UL, window.ConfirmedBelow);
        Assert.Equal(0, window.InFlight);
    }

    [Fact]
    public void Session_HasAWindowPerAccumulator_AndARandomId()
    {
        var session = ClientSession.Start();

        Assert.Equal(1UL, session.Window("a").Begin());
        Assert.Equal(1UL, session.Window("b").Begin());
        Assert.Equal(2UL, session.Window("a").Begin());
        Assert.Matches("^[0-9a-f]{32}$", session.Id);
        Assert.NotEqual(session.Id, ClientSession.Start().Id);
    }

    [Fact]
    public void Budget_StartsWithTheReserve_ThenEachCallSavesItsShare()
    {
        var budget = new RetryBudget(new RetryBudgetOptions { Reserve = 2, Ratio = 0.25, MaxSaved = 100, MinPerSecond = 0 }, new FakeTimeProvider());

        Assert.True(budget.TryWithdraw());
        Assert.True(budget.TryWithdraw());
        Assert.False(budget.TryWithdraw());
        for (var i = 0; i < 3; i++)
        {
            budget.Deposit();
        }

        Assert.False(budget.TryWithdraw());
        budget.Deposit();
        Assert.True(budget.TryWithdraw());
        Assert.False(budget.TryWithdraw());
    }

    [Fact]
    public void Budget_SavesNoMoreThanItsMaximum()
    {
        var budget = new RetryBudget(new RetryBudgetOptions { Reserve = 0, Ratio = 1, MaxSaved = 3 }, new FakeTimeProvider());
        for (var i = 0; i < 50; i++)
        {
            budget.Deposit();
        }

        Assert.Equal(3, budget.Available);
    }

    [Fact]
    public async Task Budget_ConcurrentCallers_NeverSpendMoreThanWasSaved()
    {
        var budget = new RetryBudget(new RetryBudgetOptions { Reserve = 100, Ratio = 0, MaxSaved = 1000 }, new FakeTimeProvider());
        var spent = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                if (budget.TryWithdraw())
                {
                    Interlocked.Increment(ref spent);
                }
            }
        }))).DefaultTimeout();

        Assert.Equal(100, spent);
    }

    [Fact]
    public void Budget_TimeRefillsTheReserve_ButNeverPastIt()
    {
        var time = new FakeTimeProvider();
        var budget = new RetryBudget(new RetryBudgetOptions { Reserve = 4, Ratio = 0, MinPerSecond = 2 }, time);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(budget.TryWithdraw());
        }

        Assert.False(budget.TryWithdraw());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(budget.TryWithdraw());
        Assert.True(budget.TryWithdraw());
        Assert.False(budget.TryWithdraw());
        time.Advance(TimeSpan.FromMinutes(10));
        var spent = 0;
        while (budget.TryWithdraw())
        {
            spent++;
        }

        Assert.Equal(4, spent);
    }

    [Theory]
    [InlineData(-0.1, 10, 10, 25)]
    [InlineData(1.5, 10, 10, 25)]
    [InlineData(0.2, -1, 10, 25)]
    [InlineData(0.2, 10, 101, 25)]
    [InlineData(0.2, 10, 10, 0)]
    public void BudgetOptions_OutOfRange_AreRefused(double ratio, int reserve, int maxPerCall, int backoffMs)
    {
        var options = new RetryBudgetOptions { Ratio = ratio, Reserve = reserve, MaxPerCall = maxPerCall, InitialBackoff = TimeSpan.FromMilliseconds(backoffMs) };

        Assert.ThrowsAny<ArgumentException>(options.Validate);
    }
}
