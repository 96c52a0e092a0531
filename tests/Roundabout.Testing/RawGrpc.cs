using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;

namespace Roundabout.Testing;

/// <summary>The status a server answered a raw call with.</summary>
public sealed record RawGrpcReply(StatusCode Status, string Message);

/// <summary>
/// gRPC calls made by hand over cleartext HTTP/2, to send what no generated client would: bytes
/// that are not a protobuf message, a frame that says it is longer than it is, a message over the
/// size limit.
/// </summary>
public sealed class RawGrpc : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>One gRPC frame: the compressed flag, a 4-byte length, and the payload.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload, uint? declaredLength = null)
    {
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), declaredLength ?? (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(5));
        return frame;
    }

    /// <summary>POSTs <paramref name="body"/> to <c>/service/method</c> on 127.0.0.1:<paramref name="port"/> and reads the gRPC status.</summary>
    public async Task<RawGrpcReply> CallAsync(int port, string path, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}{path}")
        {
            Content = new ByteArrayContent(body),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).DefaultTimeout();
        _ = await response.Content.ReadAsByteArrayAsync().DefaultTimeout();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{path} answered HTTP {(int)response.StatusCode}, not a gRPC status");
        }

        // A trailers-only answer carries the status in its headers; otherwise it is in the trailers.
        var status = Header(response, "grpc-status") ?? throw new InvalidOperationException($"{path} answered without a grpc-status");
        var message = Uri.UnescapeDataString(Header(response, "grpc-message") ?? string.Empty);
        return new RawGrpcReply((StatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), message);
    }

    public void Dispose() => _http.Dispose();

    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var trailing) ? trailing.First()
        : response.Headers.TryGetValues(name, out var values) ? values.First()
        : null;
}
