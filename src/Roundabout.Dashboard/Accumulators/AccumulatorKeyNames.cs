using System.Buffers;

namespace Roundabout.Dashboard.Accumulators;

/// <summary>
/// The accumulator names in the database's keys: a server keeps an accumulator at
/// <c>acc/{name}</c> and each multiply's dedupe record at <c>acc/{name}/req/id</c> (the server's
/// AccumulatorKeys; a test holds the two in step).
/// </summary>
internal static class AccumulatorKeyNames
{
    public const string Prefix = "acc/{";
    public const int MaxNameLength = 64;

    private static readonly SearchValues<char> _allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    public static string ValueKey(string name) => $"acc/{{{name}}}";

    /// <summary>The accumulator a key belongs to (its value or one of its dedupe records), or null for any other key.</summary>
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
        if (!rest.IsEmpty && !rest.StartsWith("/req/", StringComparison.Ordinal))
        {
            return null;
        }

        var name = key[Prefix.Length..close];
        return IsValidName(name) ? name : null;
    }

    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= MaxNameLength && !name.AsSpan().ContainsAnyExcept(_allowed);
}
