using System.Numerics;

namespace Roundabout.Testing;

/// <summary>
/// The exact check for a product accumulator: multiply by distinct primes, then factor the final
/// value, which shows which multiplies were applied and how many times.
/// </summary>
public static class Primes
{
    public static int[] First(int count)
    {
        var primes = new List<int>(count);
        for (var candidate = 2; primes.Count < count; candidate++)
        {
            if (primes.TrueForAll(p => p * p > candidate || candidate % p != 0))
            {
                primes.Add(candidate);
            }
        }

        return [.. primes];
    }

    /// <summary>How many times each candidate divides the value, and what is left after dividing them all out.</summary>
    public static (Dictionary<int, int> Multiplicity, BigInteger Remainder) Factor(BigInteger value, IEnumerable<int> candidates)
    {
        var multiplicity = new Dictionary<int, int>();
        foreach (var prime in candidates)
        {
            var count = 0;
            while (value % prime == 0)
            {
                value /= prime;
                count++;
            }

            multiplicity[prime] = count;
        }

        return (multiplicity, value);
    }
}
