using System.Net.Sockets;
using Grpc.Core;
using Grpc.Health.V1;
using Roundabout.Contracts;
using Roundabout.Contracts.Security;
using Xunit;

namespace Roundabout.Testing;

/// <summary>
/// How a host under mutual TLS refuses a client certificate that no CA of its --tls-client-ca
/// signed, and how to tell that refusal from a dead host. The host checks the caller's certificate
/// once the TLS handshake is done on the caller's side (so it is, with TLS 1.2 as with 1.3, on this
/// platform), so the caller sees no TLS alert: the host closes the connection before
/// sending a single HTTP/2 byte, and logs which certificate it refused. A dead host refuses the TCP
/// connection instead; a host that accepts the certificate answers. Tests assert all three: the
/// close after the handshake, the host's log line, and the right certificate served by the same host.
/// </summary>
public static class MutualTlsRefusal
{
    /// <summary>The host's own log message for a refused certificate whose subject is <c>CN=<paramref name="commonName"/></c>.</summary>
    public static string LogMessage(string commonName) =>
        $"Refused a TLS connection: its client certificate 'CN={commonName}' is not signed by a CA of --tls-client-ca";

    /// <summary>Asks the host's health service at <paramref name="port"/> over <paramref name="tls"/>: the answer, or the error.</summary>
    public static async Task<(HealthCheckResponse? Answer, RpcException? Error)> CheckHealthAsync(int port, ClientTls tls, string host = "127.0.0.1")
    {
        using var channel = GrpcChannels.ForAddress(new EndpointAddress(host, port), tls);
        try
        {
            var answer = await new Health.HealthClient(channel)
                .CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync.DefaultTimeout();
            return (answer, null);
        }
        catch (RpcException ex)
        {
            return (null, ex);
        }
    }

    /// <summary>
    /// Asserts that the call failed because the host closed the connection right after the TLS
    /// handshake (the HTTP/2 handshake never came), not because nothing listened or the call timed out.
    /// </summary>
    public static void AssertClosedAfterTlsHandshake(RpcException? error)
    {
        Assert.NotNull(error);
        // grpc-dotnet reports the same closed connection as Unavailable or, when the close lands
        // while the HTTP/2 stream is being set up, as Internal; the transport error below decides.
        Assert.Contains(error.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        var chain = Chain(error.Status.DebugException).ToArray();
        Assert.True(chain.Length > 0, $"no transport error behind: {error.Status.Detail}");
        // The close may come as a FIN or, when the caller's first bytes were still unread, a reset.
        Assert.DoesNotContain(chain, e => e is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.TimedOut });
        Assert.Contains(chain, e => e.Message.Contains("did not complete the HTTP/2 handshake", StringComparison.Ordinal));
    }

    private static IEnumerable<Exception> Chain(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
