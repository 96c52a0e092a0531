using System.Net.Sockets;

namespace Roundabout.Client.Network;

/// <summary>
/// The connect step of an HTTP handler that dials addresses anyone may have written (the
/// dashboard's probes and scrapes): the name through <see cref="NameResolver"/>, then an
/// asynchronous connect to its addresses, both cancelled by the handler's connect timeout.
/// </summary>
internal static class ResolvingConnect
{
    public static SocketsHttpHandler Handler(NameResolver resolver, TimeSpan connectTimeout) => new()
    {
        ConnectTimeout = connectTimeout,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var addresses = await resolver.ResolveAsync(context.DnsEndPoint.Host, cancellationToken).ConfigureAwait(false);
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
