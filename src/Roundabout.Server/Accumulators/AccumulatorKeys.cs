using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Roundabout.Server.Accumulators;

/// <summary>How accumulators and their dedupe records are named and encoded in a key-value store.</summary>
public static class AccumulatorKeys
{
    public const int MaxNameLength = 64;
    public const int MaxRequestIdLength = 64;

    private static readonly SearchValues<char> _allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    /// <summary>The value key. The braces are a Redis Cluster hash tag: an accumulator and its dedupe records share a slot.</summary>
    public static string Value(string name) => $"acc/{{{name}}}";

    /// <summary>The dedupe record of one request id, holding the first result.</summary>
    public static string Request(string name, string requestId) => $"acc/{{{name}}}/req/{requestId}";

    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= MaxNameLength && !name.AsSpan().ContainsAnyExcept(_allowed);

    public static bool IsValidRequestId(string requestId) =>
        requestId.Length is > 0 and <= MaxRequestIdLength && !requestId.AsSpan().ContainsAnyExcept(_allowed);

    /// <summary>Decimal text, readable when a learner lists the database.</summary>
    public static byte[] Encode(BigInteger value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));

    public static BigInteger Decode(ReadOnlySpan<byte> bytes) =>
        BigInteger.Parse(Encoding.ASCII.GetString(bytes), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
