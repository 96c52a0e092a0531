using System.Globalization;
using System.Text;

namespace Roundabout.Bench.Store;

/// <summary>
/// The multiply both sides compute: value * factor modulo a prime, so the value stays a small
/// decimal string and the work is the read-modify-write itself, not big-integer arithmetic.
/// </summary>
internal static class Multiplication
{
    public const long Modulus = 1_000_000_007;

    public static long Apply(long value, long factor) => value * factor % Modulus;

    public static long Parse(ReadOnlySpan<byte> utf8) => utf8.IsEmpty ? 1 : long.Parse(Encoding.ASCII.GetString(utf8), CultureInfo.InvariantCulture);

    public static byte[] Format(long value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));

    public static long Factor(long i) => 2 + i % 7;
}
