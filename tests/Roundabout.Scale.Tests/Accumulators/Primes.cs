using System.Numerics;

namespace Roundabout.Scale.Tests.Accumulators;

/// <summary>Distinct primes as factors: factoring the final product shows which multiplies were applied, and how often.</summary>
internal static class Primes
{
    public static IReadOnlyList<int> First(int count)
    {
        var primes = new List<int>();
        for (var candidate = 2; primes.Count < count; candidate++)
        {
            if (primes.TakeWhile(p => p * p <= candidate).All(p => candidate % p != 0))
            {
                primes.Add(candidate);
            }
        }

        return primes;
    }

    /// <summary>How many times each prime divides <paramref name="value"/>, and what is left over.</summary>
    public static (Dictionary<int, int> Exponents, BigInteger Remainder) Factor(BigInteger value, IEnumerable<int> primes)
    {
        var exponents = new Dictionary<int, int>();
        foreach (var prime in primes)
        {
            var count = 0;
            while (!value.IsZero && value % prime == 0)
            {
                value /= prime;
                count++;
            }

            exponents[prime] = count;
        }

        return (exponents, value);
    }
}
