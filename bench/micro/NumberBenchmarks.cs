using System.Numerics;
using BenchmarkDotNet.Attributes;
using Roundabout.Contracts;

namespace Roundabout.Bench.Micro;

/// <summary>Parsing and formatting the decimal strings every number travels as, small and near the 2^4096 cap.</summary>
[MemoryDiagnoser]
public class NumberBenchmarks
{
    private const string SmallText = "123456789";

    // 2^4095 - 1: 1,233 digits, just under the cap.
    private static readonly BigInteger LargeValue = (BigInteger.One << (ExactInteger.MaxBits - 1)) - 1;
    private static readonly string LargeText = ExactInteger.Format(LargeValue);
    private static readonly BigInteger SmallValue = BigInteger.Parse(SmallText, System.Globalization.CultureInfo.InvariantCulture);

    [Benchmark]
    public BigInteger ParseSmall() => Parse(SmallText);

    [Benchmark]
    public BigInteger ParseLarge() => Parse(LargeText);

    [Benchmark]
    public string FormatSmall() => ExactInteger.Format(SmallValue);

    [Benchmark]
    public string FormatLarge() => ExactInteger.Format(LargeValue);

    private static BigInteger Parse(string text) =>
        ExactInteger.TryParse(text, out var value, out var error) == ParseOutcome.Ok
            ? value
            : throw new InvalidOperationException(error);
}
