using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Roundabout.Contracts;

/// <summary>
/// How accumulators, their request records and their session records are named and encoded in a
/// key-value store. The servers write this layout and the dashboard reads it: this is its one owner.
/// </summary>
public static class AccumulatorKeys
{
    public const int MaxNameLength = 64;
    public const int MaxRequestIdLength = 64;

    /// <summary>What every key of every accumulator starts with: list by it to find them all.</summary>
    public const string Prefix = "acc/{";

    private const string RequestSegment = "/req/";
    private const string SessionSegment = "/session/";

    private static readonly SearchValues<char> _allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    /// <summary>The value key. The braces are a Redis Cluster hash tag: an accumulator, its request records and its session records share a slot.</summary>
    public static string Value(string name) => $"{Prefix}{name}}}";

    /// <summary>The dedupe record of one request id, holding the first result.</summary>
    public static string Request(string name, string requestId) => $"{Prefix}{name}}}{RequestSegment}{requestId}";

    /// <summary>The record of one client session on this accumulator: its confirmation floor and unconfirmed answers.</summary>
    public static string Session(string name, string sessionId) => $"{Prefix}{name}}}{SessionSegment}{sessionId}";

    /// <summary>The accumulator a key of this layout belongs to (its value, a request record or a session record), or null for any other key.</summary>
    public static string? NameOf(string key)
    {
        if (!key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var close = key.IndexOf('}', Prefix.Length);
        if (close < 0)
        {
            return null;
        }

        var rest = key.AsSpan(close + 1);
        if (!rest.IsEmpty && !rest.StartsWith(RequestSegment, StringComparison.Ordinal) && !rest.StartsWith(SessionSegment, StringComparison.Ordinal))
        {
            return null;
        }

        var name = key[Prefix.Length..close];
        return IsValidName(name) ? name : null;
    }

    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= MaxNameLength && !name.AsSpan().ContainsAnyExcept(_allowed);

    public static bool IsValidRequestId(string requestId) =>
        requestId.Length is > 0 and <= MaxRequestIdLength && !requestId.AsSpan().ContainsAnyExcept(_allowed);

    /// <summary>A session id follows the request id's rule: it becomes part of a key.</summary>
    public static bool IsValidSessionId(string sessionId) => IsValidRequestId(sessionId);

    /// <summary>Decimal text, readable when a learner lists the database.</summary>
    public static byte[] Encode(BigInteger value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>The value of decimal text, or false when the bytes are not a decimal integer (a key someone else wrote).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out BigInteger value) =>
        BigInteger.TryParse(Encoding.ASCII.GetString(bytes), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
