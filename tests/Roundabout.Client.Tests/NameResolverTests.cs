using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Roundabout.Client.Network;

namespace Roundabout.Client.Tests;

/// <summary>What the client knows of a server's host name, and when it asks again.</summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed class NameResolverTests
{
    private static readonly IPAddress[] _answer = [IPAddress.Parse("10.1.2.3")];

    [Fact]
    public void IpAddressesAndLocalhost_Resolve_WithoutALookup()
    {
        var lookups = 0;
        using var names = new NameResolver(4, TimeSpan.FromSeconds(2), new FakeTimeProvider(), _ => { Interlocked.Increment(ref lookups); return _answer; });

        Assert.Equal(NameState.Resolves, names.Check("127.0.0.1"));
        Assert.Equal(NameState.Resolves, names.Check("[::1]"));
        Assert.Equal(NameState.Resolves, names.Check("localhost"));
        Assert.Equal(NameState.Resolves, names.Peek("api.localhost"));
        Assert.Equal(0, lookups);
    }

    [Fact]
    public async Task AName_IsLookingUp_ThenResolves_AndLookupEndedIsRaised()
    {
        using var release = new ManualResetEventSlim();
        using var names = new NameResolver(4, TimeSpan.FromSeconds(2), new FakeTimeProvider(), _ => { release.Wait(); return _answer; });
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        names.LookupEnded += () => ended.TrySetResult();

        Assert.Equal(NameState.LookingUp, names.Peek("server-a"));
        Assert.Equal(NameState.LookingUp, names.Check("server-a"));
        release.Set();
        await ended.Task.DefaultTimeout();

        Assert.Equal(NameState.Resolves, names.Peek("server-a"));
        Assert.Equal(_answer, await names.ResolveAsync("server-a", CancellationToken.None));
    }

    [Fact]
    public async Task AFailure_IsKeptFiveSeconds_ThenTheNameIsAskedAgain()
    {
        var time = new FakeTimeProvider();
        var lookups = 0;
        using var names = new NameResolver(4, TimeSpan.FromSeconds(2), time, _ =>
        {
            Interlocked.Increment(ref lookups);
            throw new SocketException((int)SocketError.HostNotFound);
        });

        names.Check("gone.invalid");
        await Eventually.UntilAsync(() => Task.FromResult(names.Peek("gone.invalid") == NameState.DoesNotResolve), "the lookup failed");
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(NameState.DoesNotResolve, names.Check("gone.invalid"));
        Assert.Equal(1, Volatile.Read(ref lookups));

        time.Advance(TimeSpan.FromSeconds(2));
        names.Check("gone.invalid");
        await Eventually.UntilAsync(() => Task.FromResult(Volatile.Read(ref lookups) == 2), "the name is looked up again");
    }

    [Fact]
    public async Task WhileAnAnswerIsRefreshed_TheLastAnswerStillCounts()
    {
        var time = new FakeTimeProvider();
        using var second = new ManualResetEventSlim();
        var lookups = 0;
        using var names = new NameResolver(4, TimeSpan.FromSeconds(2), time, _ =>
        {
            if (Interlocked.Increment(ref lookups) > 1)
            {
                second.Wait();
            }

            return _answer;
        });

        names.Check("server-a");
        await Eventually.UntilAsync(() => Task.FromResult(names.Peek("server-a") == NameState.Resolves), "the first lookup answered");

        // Thirty seconds on, the answer is old: a second lookup starts, and hangs; the server stays resolvable meanwhile.
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(NameState.Resolves, names.Check("server-a"));
        await Eventually.UntilAsync(() => Task.FromResult(Volatile.Read(ref lookups) == 2), "the second lookup started");
        Assert.Equal(NameState.Resolves, names.Peek("server-a"));
        second.Set();
    }

    [Fact]
    public async Task ANameNobodyAskedForInAMinute_IsForgotten()
    {
        var time = new FakeTimeProvider();
        using var names = new NameResolver(4, TimeSpan.FromSeconds(2), time, _ => _answer);
        names.Check("old-server");
        names.Check("kept-server");
        await Eventually.UntilAsync(() => names.Peek("old-server") == NameState.Resolves && names.Peek("kept-server") == NameState.Resolves, "both names resolved");

        time.Advance(TimeSpan.FromSeconds(40));
        names.Check("kept-server");
        time.Advance(TimeSpan.FromSeconds(25));
        names.Check("new-server");

        Assert.Equal(NameState.LookingUp, names.Peek("old-server"));
        Assert.Equal(NameState.Resolves, names.Peek("kept-server"));
    }

    [Fact]
    public async Task Lookups_RunOffThePool_AtMostTheLimitAtOnce()
    {
        using var release = new ManualResetEventSlim();
        var running = 0;
        var most = 0;
        var onPoolThreads = 0;
        using var names = new NameResolver(3, TimeSpan.FromSeconds(30), new FakeTimeProvider(), _ =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            if (Thread.CurrentThread.IsThreadPoolThread)
            {
                Interlocked.Increment(ref onPoolThreads);
            }

            release.Wait();
            Interlocked.Decrement(ref running);
            return _answer;
        });

        for (var i = 0; i < 10; i++)
        {
            names.Check($"server-{i}");
        }

        await Eventually.UntilAsync(() => Task.FromResult(Volatile.Read(ref running) == 3), "three lookups run");
        release.Set();
        await Eventually.UntilAsync(() => Task.FromResult(Enumerable.Range(0, 10).All(i => names.Peek($"server-{i}") == NameState.Resolves)), "every name resolved");

        Assert.Equal(3, Volatile.Read(ref most));
        Assert.Equal(0, Volatile.Read(ref onPoolThreads));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
