using System.Numerics;
using Roundabout.Cli.Verify;

namespace Roundabout.Cli.Tests;

[Trait(Tier.Name, Tier.Unit)]
public sealed class VerifyCheckerTests
{
    private static MultiplyRecord Ack(int prime) => new(prime, $"r{prime}", MultiplyOutcomeKind.Acknowledged, "x", null);

    private static MultiplyRecord Unknown(int prime) => new(prime, string.Empty, MultiplyOutcomeKind.Unknown, null, "Unavailable");

    private static MultiplyRecord Refused(int prime) => new(prime, string.Empty, MultiplyOutcomeKind.Refused, null, "OutOfRange");

    [Fact]
    public void Check_EveryAcknowledgedOnce_UnknownAtMostOnce_IsConsistent()
    {
        var verdict = ConsistencyChecker.Check([Ack(2), Ack(3), Unknown(5), Unknown(7), Refused(11)], 2 * 3 * 7);

        Assert.True(verdict.Consistent);
        Assert.Equal((2, 2, 1, 1), (verdict.Acknowledged, verdict.Unknown, verdict.UnknownApplied, verdict.Refused));
    }

    [Fact]
    public void Check_AcknowledgedPrimeMissing_IsLost()
    {
        var verdict = ConsistencyChecker.Check([Ack(2), Ack(3), Ack(5)], 2 * 5);

        Assert.False(verdict.Consistent);
        Assert.Equal([3], verdict.Lost);
        Assert.Empty(verdict.Doubled);
    }

    [Fact]
    public void Check_PrimeTwice_IsDoubled_EvenWhenItsOutcomeWasUnknown()
    {
        var verdict = ConsistencyChecker.Check([Ack(2), Unknown(3)], 2 * 2 * 3 * 3);

        Assert.False(verdict.Consistent);
        Assert.Equal([2, 3], verdict.Doubled);
    }

    [Fact]
    public void Check_FactorNoMultiplyPutThere_IsForeign()
    {
        var verdict = ConsistencyChecker.Check([Ack(2), Ack(3)], 2 * 3 * 13);

        Assert.False(verdict.Consistent);
        Assert.Equal("13", verdict.Foreign);
    }

    [Fact]
    public void Check_RefusedButApplied_IsAnAnomaly()
    {
        var verdict = ConsistencyChecker.Check([Ack(2), Refused(3)], 2 * 3);

        Assert.False(verdict.Consistent);
        Assert.Equal([3], verdict.AppliedThoughRefused);
    }

    [Fact]
    public void Check_ZeroOrNegative_ZeroIsForeignAndTheSignIsIgnored()
    {
        Assert.Equal("0", ConsistencyChecker.Check([Ack(2)], BigInteger.Zero).Foreign);
        Assert.True(ConsistencyChecker.Check([Ack(2), Ack(3)], -6).Consistent);
    }

    [Fact]
    public void MaxCount_ThePrimesProductFitsTheCapAndOneMoreDoesNot()
    {
        var primes = VerifyRunner.FirstPrimes(VerifyRunner.MaxCount + 1);
        var product = primes.Take(VerifyRunner.MaxCount).Aggregate(BigInteger.One, (p, q) => p * q);

        Assert.True(Roundabout.Contracts.ExactInteger.FitsCap(product));
        Assert.False(Roundabout.Contracts.ExactInteger.FitsCap(product * primes[^1]));
    }
}
