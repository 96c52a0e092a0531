using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Roundabout.Contracts;
using Roundabout.Contracts.Registry.V1;
using Roundabout.Contracts.Security;

namespace Roundabout.Client.Discovery;

/// <summary>
/// The registries a client may ask, with failover: a call goes to the registry that answered
/// last, and on Unavailable or a passed deadline moves on to the next one in the list.
/// </summary>
internal sealed class RegistryEndpoints : IRegistryWatchTarget, IDisposable
{
    private readonly IReadOnlyList<EndpointAddress> _addresses;
    private readonly GrpcChannel[] _channels;
    private readonly TimeSpan _deadline;
    private readonly ILogger _logger;
    private readonly ClientTls? _tls;
    private readonly TimeProvider _time;
    private int _preferred;

    public RegistryEndpoints(IReadOnlyList<EndpointAddress> addresses, TimeSpan deadline, ClientTls? tls, TimeProvider time, ILogger logger)
    {
        _addresses = addresses;
        _deadline = deadline;
        _time = time;
        _tls = tls;
        _logger = logger;
        _channels = [.. addresses.Select(a => GrpcChannels.ForAddress(a, tls, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            HttpHandler = new SocketsHttpHandler { ConnectTimeout = deadline, EnableMultipleHttp2Connections = true },
        }))];
    }

    public string Description => string.Join(",", _addresses);

    /// <summary>The instances of <paramref name="service"/>, from the first registry that answers.</summary>
    public async Task<IReadOnlyList<ServerInfo>> ListAsync(string service, CancellationToken cancellationToken)
    {
        var reply = await CallAsync(
            (client, deadline) => client.ListInstancesAsync(new ListInstancesRequest { Service = service }, deadline: deadline, cancellationToken: cancellationToken),
            cancellationToken);
        return ToServers(reply.Instances);
    }

    /// <summary>Every service the registry holds, with its counts, from the first registry that answers.</summary>
    public async Task<IReadOnlyList<Contracts.Registry.V1.ServiceSummary>> ListServicesAsync(CancellationToken cancellationToken)
    {
        var reply = await CallAsync(
            (client, deadline) => client.ListServicesAsync(new ListServicesRequest(), deadline: deadline, cancellationToken: cancellationToken),
            cancellationToken);
        return reply.Services;
    }

    /// <summary>One unary call, to the preferred registry first and then to each other in turn while they cannot be reached.</summary>
    private async Task<T> CallAsync<T>(Func<Contracts.Registry.V1.Registry.RegistryClient, DateTime, AsyncUnaryCall<T>> call, CancellationToken cancellationToken)
    {
        RpcException? last = null;
        var start = Volatile.Read(ref _preferred);
        for (var i = 0; i < _channels.Length; i++)
        {
            var index = (start + i) % _channels.Length;
            try
            {
                var reply = await call(new Contracts.Registry.V1.Registry.RegistryClient(_channels[index]), _time.GetUtcNow().UtcDateTime + _deadline);
                Volatile.Write(ref _preferred, index);
                return reply;
            }
            catch (RpcException ex) when (IsUnreachable(ex) && !cancellationToken.IsCancellationRequested)
            {
                last = ex;
                Log.RegistryUnreachable(_logger, _addresses[index].ToString(), ex.StatusCode, ex.Status.Detail);
            }
        }

        throw new RpcException(new Status(
            StatusCode.Unavailable,
            $"Cannot reach the registry at {Description} ({Describe(last)}). " +
            (TransportHint.For(last, _tls) ?? "Start it with 'roundabout registry', or pass --registry host:port.")));
    }

    /// <summary>Opens the registry's watch stream on the preferred registry.</summary>
    public AsyncServerStreamingCall<WatchEvent> OpenWatch(string service, out string registry, CancellationToken cancellationToken)
    {
        var index = Volatile.Read(ref _preferred);
        registry = _addresses[index].ToString();
        var client = new Contracts.Registry.V1.Registry.RegistryClient(_channels[index]);
        return client.Watch(new WatchRequest { Service = service }, cancellationToken: cancellationToken);
    }

    /// <summary>After a broken watch stream, the next watch goes to the next registry.</summary>
    public void MoveToNext() => Volatile.Write(ref _preferred, (Volatile.Read(ref _preferred) + 1) % _channels.Length);

    public IReadOnlyList<ServerInfo> ToServers(IEnumerable<Instance> instances)
    {
        var servers = new List<ServerInfo>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var instance in instances)
        {
            if (ToServer(instance) is { } server && seen.Add(server.Address))
            {
                servers.Add(server);
            }
        }

        return servers;
    }

    public ServerInfo? ToServer(Instance instance)
    {
        if (!EndpointAddress.TryParse(instance.Address, out var address, out var error))
        {
            Log.InvalidInstance(_logger, instance.Address, error);
            return null;
        }

        return new ServerInfo(
            address.ToString(),
            new Dictionary<string, string>(instance.Metadata),
            instance.RegisteredAt?.ToDateTimeOffset(),
            instance.LastRenewedAt?.ToDateTimeOffset(),
            instance.Suspect);
    }

    private static string Describe(RpcException? error) =>
        error is null ? "no answer" : string.IsNullOrEmpty(error.Status.Detail) ? error.StatusCode.ToString() : $"{error.StatusCode}: {error.Status.Detail.ReplaceLineEndings(" ")}";

    internal static bool IsUnreachable(RpcException ex) =>
        ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown;

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }
}
