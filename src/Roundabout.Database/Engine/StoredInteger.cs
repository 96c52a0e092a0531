using System.Globalization;
using System.Numerics;
using System.Text;
using Roundabout.Contracts;

namespace Roundabout.Database.Engine;

/// <summary>
/// How atomic ops read and write integers: decimal text, an optional '-' then ASCII digits, so a
/// learner listing the database reads the numbers as they are.
/// </summary>
internal static class StoredInteger
{
    public static bool TryDecode(ReadOnlySpan<byte> text, out BigInteger value)
    {
        value = BigInteger.Zero;
        var digits = text.Length > 0 && text[0] == (byte)'-' ? text[1..] : text;
        if (digits.Length == 0 || text.Length > ExactInteger.MaxDigits || digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            return false;
        }

        Span<char> chars = stackalloc char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            chars[i] = (char)text[i];
        }

        return BigInteger.TryParse(chars, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public static byte[] Encode(BigInteger value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));
}
