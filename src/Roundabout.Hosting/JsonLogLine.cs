using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Roundabout.Hosting;

/// <summary>
/// One log event as one line of JSON: the field names of .NET's JSON console formatter
/// (Timestamp, EventId, LogLevel, Category, Message, Exception, State) plus Component, the
/// lower-case name of the component that wrote it (registry, database, server, client), and
/// TraceId and SpanId when the line was written inside a traced operation.
/// Control characters in any value are escaped by the JSON writer, so a client's text can never
/// break a line in two.
/// </summary>
public static class JsonLogLine
{
    private const string OriginalFormat = "{OriginalFormat}";

    private static readonly JsonWriterOptions _options = new()
    {
        // Readable non-ASCII text; control characters, quotes and backslashes are still escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>The line, without its newline.</summary>
    /// <param name="state">The logger's state; its named values (such as <c>{Address}</c>) go to State.</param>
    /// <param name="activity">The operation the line was written in (<see cref="Activity.Current"/>): its W3C trace and span ids go to TraceId and SpanId.</param>
    public static string Format(DateTimeOffset time, string component, string category, LogLevel level, EventId eventId, string message, Exception? exception, object? state, Activity? activity = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, _options))
        {
            writer.WriteStartObject();
            writer.WriteString("Timestamp", time.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteNumber("EventId", eventId.Id);
            writer.WriteString("LogLevel", level.ToString());
            writer.WriteString("Category", Valid(category));
            writer.WriteString("Component", component.ToLowerInvariant());
            writer.WriteString("Message", Valid(message));
            if (exception is not null)
            {
                writer.WriteString("Exception", Valid(exception.ToString()));
            }

            if (activity is { IdFormat: ActivityIdFormat.W3C })
            {
                writer.WriteString("TraceId", activity.TraceId.ToHexString());
                writer.WriteString("SpanId", activity.SpanId.ToHexString());
            }

            if (state is IReadOnlyList<KeyValuePair<string, object?>> { Count: > 0 } values && !(values.Count == 1 && values[0].Key == OriginalFormat))
            {
                writer.WriteStartObject("State");
                foreach (var (key, value) in values)
                {
                    WriteValue(writer, Valid(key), value);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteValue(Utf8JsonWriter writer, string key, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNull(key);
                break;
            case bool b:
                writer.WriteBoolean(key, b);
                break;
            case int or long or short or byte or uint or ulong or ushort or sbyte:
                writer.WriteNumber(key, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumber(key, d);
                break;
            case IFormattable formattable:
                writer.WriteString(key, Valid(formattable.ToString(null, CultureInfo.InvariantCulture)));
                break;
            default:
                writer.WriteString(key, Valid(value.ToString() ?? string.Empty));
                break;
        }
    }

    /// <summary>A lone surrogate cannot be written as JSON: it becomes U+FFFD, so logging never throws.</summary>
    private static string Valid(string text)
    {
        foreach (var c in text)
        {
            if (char.IsSurrogate(c))
            {
                return Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));
            }
        }

        return text;
    }
}
