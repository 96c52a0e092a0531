using System.Net.Http;
using System.Net.Sockets;
using Grpc.Core;
using Roundabout.Client.Discovery;

namespace Roundabout.Client.Tests;

/// <summary>
/// The hint a cleartext client gets when it dials a TLS listener, for each shape the failure takes
/// (all seen against a real TLS registry: which one depends on timing).
/// </summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed class TransportHintTests
{
    private const string NotEstablished = "An HTTP/2 connection could not be established because the server did not complete the HTTP/2 handshake.";

    public static TheoryData<string> CleartextOnTlsFailures() =>
    [
        "handshake-with-cause",
        "handshake-alone",
        "reset",
    ];

    [Theory]
    [MemberData(nameof(CleartextOnTlsFailures))]
    public void CleartextClient_OnATlsListener_IsToldToPassTheCa(string shape)
    {
        var hint = TransportHint.For(Failure(Shape(shape)), tls: null);

        Assert.NotNull(hint);
        Assert.Contains("dial it with --tls-ca", hint, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusedConnection_GetsNoTlsHint()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused));

        Assert.Null(TransportHint.For(Failure(refused), tls: null));
    }

    [Fact]
    public void NoDebugException_GetsNoHint()
    {
        Assert.Null(TransportHint.For(new RpcException(new Status(StatusCode.Unavailable, "down")), tls: null));
    }

    private static Exception Shape(string shape) => shape switch
    {
        "handshake-with-cause" => new HttpRequestException(
            HttpRequestError.InvalidResponse,
            NotEstablished,
            new HttpIOException(HttpRequestError.InvalidResponse, NotEstablished, new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely."))),
        "handshake-alone" => new HttpRequestException(HttpRequestError.InvalidResponse, NotEstablished),
        "reset" => new HttpRequestException(HttpRequestError.Unknown, "Connection reset by peer", new SocketException((int)SocketError.ConnectionReset)),
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    private static RpcException Failure(Exception cause) =>
        new(new Status(StatusCode.Internal, "Error starting gRPC call. " + cause.Message, cause));
}
