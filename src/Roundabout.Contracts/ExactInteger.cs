using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;

namespace Roundabout.Contracts;

/// <summary>
/// The rules for the exact integers that travel as decimal strings. Every number, input or
/// result, must fit in <see cref="MaxBits"/> bits (its absolute value is below 2^4096, about
/// 1,233 decimal digits); anything larger is refused with OutOfRange and changes nothing.
/// </summary>
public static class ExactInteger
{
    /// <summary>The cap on the magnitude of every number, in bits.</summary>
    public const int MaxBits = 4096;

    /// <summary>Longest decimal text accepted (2^4096 has 1,234 digits; a sign may lead).</summary>
    public const int MaxDigits = 1240;

    /// <summary>The smallest magnitude that is over the cap: 2^4096.</summary>
    public static readonly BigInteger Limit = BigInteger.One << MaxBits;

    public static bool FitsCap(BigInteger value) => BigInteger.Abs(value) < Limit;

    /// <summary>
    /// Parses the one grammar of numbers: an optional sign (<c>+</c> or <c>-</c>) and ASCII digits,
    /// nothing else. Spaces (U+0020 only) around the number are trimmed; any other character,
    /// a NUL, a newline, a tab, a non-ASCII digit, is refused.
    /// </summary>
    /// <returns>The outcome; <paramref name="error"/> says what was wrong.</returns>
    public static ParseOutcome TryParse(string? text, out BigInteger value, [NotNullWhen(false)] out string? error)
    {
        value = BigInteger.Zero;
        var trimmed = text?.Trim(' ') ?? string.Empty;
        if (trimmed.Length == 0)
        {
            error = "a number is required, for example 42";
            return ParseOutcome.Invalid;
        }

        if (trimmed.Length > MaxDigits)
        {
            error = $"the number has more than {MaxDigits} characters; numbers must stay below 2^{MaxBits}";
            return ParseOutcome.TooLarge;
        }

        var digits = trimmed.AsSpan(trimmed[0] is '+' or '-' ? 1 : 0);
        if (digits.IsEmpty || digits.ContainsAnyExceptInRange('0', '9')
            || !BigInteger.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            error = $"'{Shorten(trimmed)}' is not a whole number; use digits only, for example 42 or -7";
            return ParseOutcome.Invalid;
        }

        if (!FitsCap(value))
        {
            error = $"the number is too large; numbers must stay below 2^{MaxBits} in magnitude";
            return ParseOutcome.TooLarge;
        }

        error = null;
        return ParseOutcome.Ok;
    }

    public static string Format(BigInteger value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Shorten(string text) => PrintableText.Escape(text.Length <= 40 ? text : text[..37] + "...");
}

public enum ParseOutcome
{
    Ok,
    Invalid,
    TooLarge,
}
