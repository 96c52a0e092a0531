using Grpc.Core;
using Grpc.Net.Client;

namespace Roundabout.Contracts.Security;

/// <summary>
/// The one place that makes gRPC channels: cleartext HTTP/2 by default, HTTP/2 over TLS when
/// given <see cref="ClientTls"/>. The cleartext path is left exactly as gRPC makes it.
/// </summary>
public static class GrpcChannels
{
    /// <summary>A channel to one address: http:// without TLS, https:// with it.</summary>
    public static GrpcChannel ForAddress(EndpointAddress address, ClientTls? tls, GrpcChannelOptions? options = null)
    {
        options ??= new GrpcChannelOptions();
        Secure(options, tls);
        return GrpcChannel.ForAddress(tls is null ? address.ToHttpUri() : address.ToHttpsUri(), options);
    }

    /// <summary>
    /// Turns TLS on in <paramref name="options"/> (credentials and the handshake settings of its
    /// <see cref="SocketsHttpHandler"/>, which is created when there is none); does nothing when
    /// <paramref name="tls"/> is null. For channels with a resolver, whose target is not an address.
    /// </summary>
    public static void Secure(GrpcChannelOptions options, ClientTls? tls)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (tls is null)
        {
            return;
        }

        var handler = options.HttpHandler switch
        {
            null => new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
            SocketsHttpHandler sockets => sockets,
            _ => throw new ArgumentException("TLS settings need a SocketsHttpHandler as the channel's handler.", nameof(options)),
        };
        handler.SslOptions = tls.CreateSslOptions();
        options.HttpHandler = handler;
        options.Credentials = ChannelCredentials.SecureSsl;
    }
}
