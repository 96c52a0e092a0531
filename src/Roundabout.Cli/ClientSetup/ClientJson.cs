using System.Globalization;
using System.Text;
using System.Text.Json;
using Roundabout.Client;

namespace Roundabout.Cli.ClientSetup;

/// <summary>The JSON the script commands print. Numbers are strings: they can exceed any JSON number.</summary>
public static class ClientJson
{
    public static string Of(CalculationResult result) => Write(w =>
    {
        w.WriteString("result", result.Result);
        w.WriteString("server", result.Server);
    });

    public static string Of(MultiplyResult result) => Write(w =>
    {
        w.WriteString("result", result.Result);
        w.WriteString("server", result.Server);
        w.WriteString("name", result.Name);
        w.WriteBoolean("replayed", result.Replayed);
        w.WriteString("request_id", result.RequestId);
    });

    public static string Of(AccumulatorResult result) => Write(w =>
    {
        w.WriteString("result", result.Value);
        w.WriteString("server", result.Server);
        w.WriteString("name", result.Name);
    });

    public static string Of(IReadOnlyList<ServerInfo> servers)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (var server in servers)
            {
                WriteServer(writer, server);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static string Of(IReadOnlyList<ServiceSummary> services)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (var service in services)
            {
                writer.WriteStartObject();
                writer.WriteString("name", service.Name);
                writer.WriteNumber("instances", service.Instances);
                writer.WriteNumber("suspect", service.Suspect);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    internal static void WriteServer(Utf8JsonWriter writer, ServerInfo server)
    {
        writer.WriteStartObject();
        writer.WriteString("address", server.Address);
        WriteTime(writer, "registered_at", server.RegisteredAt);
        WriteTime(writer, "last_renewed_at", server.LastRenewedAt);
        writer.WriteBoolean("suspect", server.Suspect);
        writer.WriteStartObject("metadata");
        foreach (var (key, value) in server.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? time)
    {
        if (time is { } value)
        {
            writer.WriteString(name, value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    internal static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
