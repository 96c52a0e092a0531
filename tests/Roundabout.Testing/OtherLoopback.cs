using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;

namespace Roundabout.Testing;

/// <summary>
/// Another client, as a server sees it: Linux routes all of 127.0.0.0/8 to the loopback
/// interface, so a socket bound to 127.0.0.2 reaches a server on 127.0.0.1 from another address.
/// </summary>
public static class OtherLoopback
{
    public static readonly IPAddress Second = IPAddress.Parse("127.0.0.2");

    /// <summary>A gRPC channel to <c>127.0.0.1:<paramref name="port"/></c> whose connections come from <paramref name="local"/>.</summary>
    public static GrpcChannel Channel(int port, IPAddress local) => GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        },
    });
}
