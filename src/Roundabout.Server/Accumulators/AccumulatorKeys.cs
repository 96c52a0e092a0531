using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Roundabout.Server.Accumulators;

/// <summary>How accumulators, their request records and their session records are named and encoded in a key-value store.</summary>
public static class AccumulatorKeys
{
    public const int MaxNameLength = 64;
    public const int MaxRequestIdLength = 64;

    private static readonly SearchValues<char> _allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    /// <summary>The value key. The braces are a Redis Cluster hash tag: an accumulator, its request records and its session records share a slot.</summary>
    public static string Value(string name) => $"acc/{{{name}}}";

    /// <summary>The dedupe record of one request id, holding the first result.</summary>
    public static string Request(string name, string requestId) => $"acc/{{{name}}}/req/{requestId}";

    /// <summary>The record of one client session on this accumulator: its confirmation floor and unconfirmed answers.</summary>
    public static string Session(string name, string sessionId) => $"acc/{{{name}}}/session/{sessionId}";

    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= MaxNameLength && !name.AsSpan().ContainsAnyExcept(_allowed);

    public static bool IsValidRequestId(string requestId) =>
        requestId.Length is > 0 and <= MaxRequestIdLength && !requestId.AsSpan().ContainsAnyExcept(_allowed);

    /// <summary>A session id follows the request id's rule: it becomes part of a key.</summary>
    public static bool IsValidSessionId(string sessionId) => IsValidRequestId(sessionId);

    /// <summary>Decimal text, readable when a learner lists the database.</summary>
    public static byte[] Encode(BigInteger value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));

    public static BigInteger Decode(ReadOnlySpan<byte> bytes) =>
        BigInteger.Parse(Encoding.ASCII.GetString(bytes), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
