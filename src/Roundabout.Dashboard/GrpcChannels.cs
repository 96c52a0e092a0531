using System.Collections.Concurrent;
using Grpc.Net.Client;
using Roundabout.Client.Network;
using Roundabout.Contracts;

namespace Roundabout.Dashboard;

/// <summary>
/// One gRPC channel per address the dashboard talks to (registries, the database, each server),
/// created on first use and disposed with the dashboard or when a server leaves; over TLS when
/// the dashboard was given --tls-ca (or a client certificate). Names are resolved by
/// <see cref="NameResolver"/>, never by a blocking lookup on a pool thread.
/// </summary>
internal sealed class GrpcChannels(DashboardOptions options, NameResolver resolver) : IDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.OrdinalIgnoreCase);

    public GrpcChannel For(EndpointAddress address) =>
        _channels.GetOrAdd(address.ToString(), _ => Contracts.Security.GrpcChannels.ForAddress(address, options.Tls, new GrpcChannelOptions
        {
            HttpHandler = Handler(),
        }));

    private SocketsHttpHandler Handler()
    {
        var handler = ResolvingConnect.Handler(resolver, options.CallDeadline);
        handler.EnableMultipleHttp2Connections = true;
        handler.KeepAlivePingDelay = TimeSpan.FromSeconds(10);
        handler.KeepAlivePingTimeout = TimeSpan.FromSeconds(5);
        return handler;
    }

    /// <summary>Closes the channels of servers that are gone; registries and the database are kept.</summary>
    public void Retain(IEnumerable<string> addresses)
    {
        var keep = new HashSet<string>(addresses, StringComparer.OrdinalIgnoreCase);
        keep.UnionWith(options.Registries.Select(r => r.ToString()));
        keep.Add(options.Database.ToString());
        foreach (var address in _channels.Keys)
        {
            if (!keep.Contains(address) && _channels.TryRemove(address, out var channel))
            {
                channel.Dispose();
            }
        }
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        _channels.Clear();
    }
}
