using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Google.Protobuf;

namespace Roundabout.EndToEnd.Tests;

/// <summary>
/// A stand-in OpenTelemetry collector on loopback: it accepts OTLP over HTTP/protobuf
/// (<c>POST /v1/traces</c>) and keeps every span it receives, decoded from the wire format.
/// Other signals (<c>/v1/metrics</c>) are accepted and dropped.
/// </summary>
internal sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly Task _loop;

    public OtlpReceiver()
    {
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public IReadOnlyList<ReceivedSpan> Spans => [.. _spans];

    /// <summary>The environment that points a process's OTLP exporter here, exporting within a fraction of a second.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
    };

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            if (context.Request.Url?.AbsolutePath == "/v1/traces")
            {
                foreach (var span in Decode(body.ToArray()))
                {
                    _spans.Enqueue(span);
                }
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    /// <summary>ExportTraceServiceRequest: resource_spans(1) { resource(1) { attributes(1) }, scope_spans(2) { spans(2) } }.</summary>
    private static List<ReceivedSpan> Decode(byte[] request)
    {
        var spans = new List<ReceivedSpan>();
        foreach (var resourceSpans in Fields(request, 1))
        {
            var service = Fields(resourceSpans, 1).SelectMany(resource => Fields(resource, 1))
                .Select(Attribute).FirstOrDefault(a => a.Key == "service.name").Value ?? string.Empty;
            foreach (var scopeSpans in Fields(resourceSpans, 2))
            {
                spans.AddRange(Fields(scopeSpans, 2).Select(span => Span(service, span)));
            }
        }

        return spans;
    }

    /// <summary>Span: trace_id(1), span_id(2), parent_span_id(4), name(5), kind(6), attributes(9).</summary>
    private static ReceivedSpan Span(string service, byte[] bytes)
    {
        string traceId = string.Empty, spanId = string.Empty, parentId = string.Empty, name = string.Empty;
        var kind = 0;
        var attributes = new Dictionary<string, string?>();
        var input = new CodedInputStream(bytes);
        while (input.ReadTag() is var tag and not 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: traceId = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case 2: spanId = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case 4: parentId = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case 5: name = input.ReadString(); break;
                case 6: kind = input.ReadEnum(); break;
                case 9: var (key, value) = Attribute(input.ReadBytes().ToByteArray()); attributes[key] = value; break;
                default: input.SkipLastField(); break;
            }
        }

        return new ReceivedSpan(service, name, (SpanKind)kind, traceId, spanId, parentId, attributes);
    }

    /// <summary>KeyValue: key(1), value(2), its value as text (only strings and integers are read).</summary>
    private static KeyValuePair<string, string?> Attribute(byte[] bytes)
    {
        string key = string.Empty;
        string? value = null;
        var input = new CodedInputStream(bytes);
        while (input.ReadTag() is var tag and not 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: key = input.ReadString(); break;
                case 2: value = AnyValue(input.ReadBytes().ToByteArray()); break;
                default: input.SkipLastField(); break;
            }
        }

        return new(key, value);
    }

    /// <summary>AnyValue: string_value(1) or int_value(3), as text; null for other kinds.</summary>
    private static string? AnyValue(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        while (input.ReadTag() is var tag and not 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: return input.ReadString();
                case 3: return input.ReadInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
                default: input.SkipLastField(); break;
            }
        }

        return null;
    }

    /// <summary>The payloads of every length-delimited field <paramref name="number"/> of a message.</summary>
    private static List<byte[]> Fields(byte[] message, int number)
    {
        var found = new List<byte[]>();
        var input = new CodedInputStream(message);
        while (input.ReadTag() is var tag and not 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == number && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                found.Add(input.ReadBytes().ToByteArray());
            }
            else
            {
                input.SkipLastField();
            }
        }

        return found;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _listener.Close();
        _ = _loop.ContinueWith(_ => { }, TaskScheduler.Default);
    }
}

/// <summary>OTLP's span kinds.</summary>
internal enum SpanKind
{
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
}

/// <summary>One span as the collector received it; ids in lowercase hex, no parent as ""; its string and integer attributes as text.</summary>
internal sealed record ReceivedSpan(string Service, string Name, SpanKind Kind, string TraceId, string SpanId, string ParentSpanId, IReadOnlyDictionary<string, string?> Attributes);
