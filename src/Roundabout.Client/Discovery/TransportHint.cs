using System.Security.Authentication;
using Grpc.Core;
using Roundabout.Contracts.Security;

namespace Roundabout.Client.Discovery;

/// <summary>
/// What to do when a connection failed because the two sides disagree about TLS: a cleartext
/// client dialing a TLS registry, a certificate that is not trusted, or a missing client certificate.
/// </summary>
internal static class TransportHint
{
    public static string? For(RpcException? error, ClientTls? tls)
    {
        if (error?.Status.DebugException is not { } exception)
        {
            return null;
        }

        var handshake = Find<AuthenticationException>(exception);
        if (tls is null)
        {
            // A TLS listener drops a cleartext HTTP/2 preface without a word.
            return IsDroppedHandshake(exception)
                ? "If it serves TLS, dial it with --tls-ca <ca.pem> (the CA that signed its certificate); this client dialed in cleartext."
                : null;
        }

        if (handshake is not null)
        {
            return $"The TLS handshake failed ({Innermost(handshake).Message.TrimEnd('.')}): check that --tls-ca holds the CA that signed the " +
                "registry's certificate and that the certificate names the host you dial.";
        }

        return IsDroppedHandshake(exception)
            ? "The TLS handshake did not complete: the registry may serve cleartext (then drop --tls-ca), or require a client " +
              "certificate (then pass --tls-cert and --tls-key)."
            : null;
    }

    private static bool IsDroppedHandshake(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded or HttpRequestError.HttpProtocolError or HttpRequestError.SecureConnectionError }
                // "...the server did not complete the HTTP/2 handshake": as an IOException with the cause inside, or, when
                // the request waited on a connection attempt that failed, as a lone HttpRequestException (InvalidResponse).
                || (e is IOException or HttpRequestException && (e.Message.Contains("prematurely", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("HTTP/2 handshake", StringComparison.Ordinal)))
                // A TLS listener may also reset the connection on a cleartext preface, depending on timing.
                || e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionReset })
            {
                return true;
            }
        }

        return false;
    }

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception exception)
    {
        var e = exception;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
