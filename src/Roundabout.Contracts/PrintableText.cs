using System.Globalization;
using System.Text;

namespace Roundabout.Contracts;

/// <summary>
/// Text from a client, made safe to print on one log line: control characters (and the Unicode
/// line and paragraph separators) are shown escaped, <c>\n</c>, <c>\r</c>, <c>\t</c> or
/// <c>\u0000</c>, so no client can start a line of its own in a log or put a NUL into it.
/// </summary>
public static class PrintableText
{
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.AsSpan().ContainsAny(_unprintable))
        {
            return text ?? string.Empty;
        }

        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\n' => escaped.Append("\\n"),
                '\r' => escaped.Append("\\r"),
                '\t' => escaped.Append("\\t"),
                _ when _unprintable.Contains(c) => escaped.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }

    private static readonly System.Buffers.SearchValues<char> _unprintable = System.Buffers.SearchValues.Create(
        Enumerable.Range(0, 0x20).Append(0x7f).Concat(Enumerable.Range(0x80, 0x20)).Append(0x2028).Append(0x2029)
            .Select(c => (char)c).ToArray());
}
