using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Roundabout.Server.Faults;

namespace Roundabout.Server.Tests.Faults;

/// <summary>The injected delay and errors, with time and dice in the test's hands.</summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed class FaultInjectorTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task LatencyOnEveryCall_HoldsTheCallUntilTheDelayHasPassed()
    {
        var injector = Injector(new FaultOptions { Latency = new InjectedLatency(TimeSpan.FromMilliseconds(200), 1) });

        var call = Call(injector);
        Assert.False(call.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(199));
        Assert.False(call.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal("answer", await call.DefaultTimeout());
    }

    [Fact]
    public void LatencyOnAShare_DelaysAboutThatShareOfTheCalls()
    {
        var injector = Injector(new FaultOptions { Latency = new InjectedLatency(TimeSpan.FromSeconds(2), 0.1), Random = new Random(24) });

        var delayed = Enumerable.Range(0, 2000).Select(_ => Call(injector)).Count(call => !call.IsCompleted);

        Assert.InRange(delayed, 140, 260);
        _time.Advance(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task ErrorsAtARate_FailThatShareWithUnavailable_SayingTheFaultWasInjected()
    {
        var injector = Injector(new FaultOptions { ErrorRate = 0.05, Random = new Random(24) });

        var failures = new List<RpcException>();
        for (var i = 0; i < 2000; i++)
        {
            try
            {
                await Call(injector).DefaultTimeout();
            }
            catch (RpcException ex)
            {
                failures.Add(ex);
            }
        }

        Assert.InRange(failures.Count, 60, 140);
        Assert.All(failures, ex =>
        {
            Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
            Assert.StartsWith("Injected fault:", ex.Status.Detail, StringComparison.Ordinal);
            Assert.Contains("--inject-errors 0.05", ex.Status.Detail, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Describe_SpellsTheFaultsAsTheRegistryMetadataCarriesThem()
    {
        Assert.Equal("latency:2s@0.1,errors:0.05", new FaultOptions { Latency = new InjectedLatency(TimeSpan.FromSeconds(2), 0.1), ErrorRate = 0.05 }.Describe());
        Assert.Equal("latency:200ms", new FaultOptions { Latency = new InjectedLatency(TimeSpan.FromMilliseconds(200), 1) }.Describe());
        Assert.Equal("latency:1500ms", new FaultOptions { Latency = new InjectedLatency(TimeSpan.FromMilliseconds(1500), 1) }.Describe());
        Assert.Equal(string.Empty, new FaultOptions().Describe());
        Assert.False(new FaultOptions().Any);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Validate_RefusesAnErrorRateOutsideZeroToOne(double rate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaultOptions { ErrorRate = rate }.Validate());

    [Theory]
    [InlineData(0, 1)]
    [InlineData(120_000, 1)]
    [InlineData(200, 0)]
    [InlineData(200, 1.5)]
    public void Validate_RefusesADelayOrShareOutOfRange(int milliseconds, double fraction) =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new FaultOptions { Latency = new InjectedLatency(TimeSpan.FromMilliseconds(milliseconds), fraction) }.Validate());

    private FaultInjector Injector(FaultOptions faults) =>
        new(new ServerHostOptions { Faults = faults }, _time, NullLogger<FaultInjector>.Instance);

    private static Task<string> Call(FaultInjector injector) =>
        injector.UnaryServerHandler<string, string>("request", new TestCallContext(), (_, _) => Task.FromResult("answer"));

    private sealed class TestCallContext : ServerCallContext
    {
        protected override string MethodCore => "/roundabout.calculator.v1.Calculator/Sum";
        protected override string HostCore => "localhost";
        protected override string PeerCore => "ipv4:127.0.0.1:1";
        protected override DateTime DeadlineCore => DateTime.MaxValue;
        protected override Metadata RequestHeadersCore { get; } = [];
        protected override CancellationToken CancellationTokenCore => CancellationToken.None;
        protected override Metadata ResponseTrailersCore { get; } = [];
        protected override Status StatusCore { get; set; }
        protected override WriteOptions? WriteOptionsCore { get; set; }
        protected override AuthContext AuthContextCore => new(null, []);
        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();
        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
