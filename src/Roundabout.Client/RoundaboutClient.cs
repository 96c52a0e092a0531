using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Roundabout.Client.Balancing;
using Roundabout.Client.Discovery;
using Roundabout.Client.Network;
using Roundabout.Client.Retries;
using Roundabout.Client.Sessions;
using Roundabout.Client.Telemetry;
using Roundabout.Contracts;
using Roundabout.Contracts.Security;
using Roundabout.Contracts.Calculator.V1;

namespace Roundabout.Client;

/// <summary>
/// A client session: the server list from the registry, cached, and one gRPC channel that
/// balances calls over it (round-robin, power of two choices or peak EWMA), fails over to another server
/// within a deadline, and skips servers that keep failing. The menu, the script commands and the
/// load tool all use it. Thread-safe; create one per session and dispose it at the end.
/// </summary>
public sealed partial class RoundaboutClient : IAsyncDisposable
{
    private readonly RoundaboutClientOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RegistryEndpoints _registry;
    private readonly ServerDirectory _directory;
    private readonly ServerHealth _health;
    private readonly ConnectionProgress _connections = new();
    private readonly NameResolver _names;
    private readonly GrpcChannel _channel;
    private readonly Calculator.CalculatorClient _calculator;
    private readonly ClientMetrics _metrics;
    private readonly RetryBudget _retryBudget;
    private ClientSession _session = ClientSession.Start();
    private int _watching;
    private bool _connected;

    private RoundaboutClient(RoundaboutClientOptions options, ILoggerFactory loggerFactory)
    {
        _options = options;
        _time = options.TimeProvider;
        _logger = loggerFactory.CreateLogger<RoundaboutClient>();
        _registry = new RegistryEndpoints(options.Registries, options.Deadline, options.Tls, options.TimeProvider, loggerFactory.CreateLogger<RegistryEndpoints>());
        _directory = new ServerDirectory(_registry, options.Service, options.RefreshRateLimit, _time, loggerFactory.CreateLogger<ServerDirectory>());
        _metrics = new ClientMetrics(options.MeterFactory);
        _health = new ServerHealth(options.Outliers, _time, loggerFactory.CreateLogger<ServerHealth>(), _metrics, options.Latency);
        _retryBudget = new RetryBudget(options.RetryBudget, _time);

        _names = new NameResolver(NameResolver.ClientLookups, options.AttemptTimeout, _time, options.HostLookup);
        _names.LookupEnded += _connections.NameLookupEnded;
        var services = new BalancerServices(
            new RegistryResolverFactory(_directory, _names),
            [new RoundaboutBalancerFactory(options.Policy, _health, options.Random, _time, _connections)]);

        // One channel for the whole session: it owns the connections to every server.
        var channelOptions = new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            ServiceProvider = services,
            // gRPC's per-call logger is kept off: see ChannelLoggerFactory. Its per-call activity
            // starts only when an application traces (subscribes to Grpc.Net.Client).
            LoggerFactory = new ChannelLoggerFactory(loggerFactory),
            // No retry policy: the failover loop is the one retry layer.
            ServiceConfig = CreateServiceConfig(options.Policy),
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(200),
            MaxReconnectBackoff = TimeSpan.FromSeconds(5),
            HttpHandler = new SocketsHttpHandler
            {
                ConnectTimeout = options.AttemptTimeout,
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                KeepAlivePingDelay = TimeSpan.FromSeconds(20),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            },
        };
        GrpcChannels.Secure(channelOptions, options.Tls);
        _channel = GrpcChannel.ForAddress($"{RegistryResolverFactory.Scheme}:///{options.Service}", channelOptions);
        _calculator = new Calculator.CalculatorClient(_channel);
    }

    /// <summary>Creates a session without network I/O; the server list is fetched on <see cref="StartAsync"/> or the first call.</summary>
    public static RoundaboutClient Create(RoundaboutClientOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new RoundaboutClient(options, loggerFactory ?? NullLoggerFactory.Instance);
    }

    /// <summary>How this session spreads its calls over the servers.</summary>
    public BalancingPolicy Policy => _options.Policy;

    /// <summary>The cached server list the calls are balanced over.</summary>
    public IReadOnlyList<ServerInfo> CachedServers => _directory.Current;

    /// <summary>How many times this session fetched the list from the registry.</summary>
    public int RegistryFetches => _directory.FetchCount;

    /// <summary>
    /// Starts the session: fetches the server list once (or starts following the registry with
    /// watching on), then connects to every cached server (waiting at most
    /// <see cref="FirstConnectWait"/>), so that round-robin is strict from the first call.
    /// Throws <see cref="RpcException"/> (Unavailable) when no registry answers.
    /// </summary>
    public async Task<IReadOnlyList<ServerInfo>> StartAsync(CancellationToken cancellationToken = default)
    {
        var servers = await _directory.EnsureFetchedAsync(cancellationToken);
        if (_options.Watch && Interlocked.Exchange(ref _watching, 1) == 0)
        {
            _directory.StartWatching();
        }

        if (!Volatile.Read(ref _connected))
        {
            await ConnectFirstAsync(servers, cancellationToken);
        }

        return servers;
    }

    /// <summary>The longest a fresh session waits for its connections before its first call.</summary>
    internal static TimeSpan FirstConnectWait { get; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Connects to every cached server before the first call, so that the first N calls go to N
    /// different servers in list order instead of to whichever connected first. A server that
    /// refuses the connection, or whose host name does not resolve, does not hold the wait up; one
    /// whose name is still being looked up holds it only until another server is connected; one
    /// that does not answer holds it up to <see cref="FirstConnectWait"/> at most, once per session.
    /// </summary>
    private async Task ConnectFirstAsync(IReadOnlyList<ServerInfo> servers, CancellationToken cancellationToken)
    {
        if (servers.Count > 0)
        {
            var keys = servers.Select(s => s.Address).ToArray();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var connecting = _channel.ConnectAsync(stop.Token);
            await _connections.WaitAllSettledAsync(keys, FirstConnectWait, _time, NameOf, cancellationToken);
            await stop.CancelAsync();
            try
            {
                await connecting;
            }
            catch (OperationCanceledException)
            {
                // Not connected to any server yet: the first call's failover loop deals with that.
            }
        }

        Volatile.Write(ref _connected, true);
    }

    private NameState NameOf(string server) =>
        EndpointAddress.TryParse(server, out var endpoint, out _) ? _names.Peek(endpoint.Host) : NameState.DoesNotResolve;

    /// <summary>Fetches the server list again from the registry and balances over the new list.</summary>
    public Task<IReadOnlyList<ServerInfo>> RefreshAsync(CancellationToken cancellationToken = default) =>
        _directory.RefreshAsync(cancellationToken);

    /// <summary>The servers the registry lists now, fetched fresh; the cache is left as it is.</summary>
    public Task<IReadOnlyList<ServerInfo>> ListServersAsync(CancellationToken cancellationToken = default) =>
        _registry.ListAsync(_options.Service, cancellationToken);

    /// <summary>Every service the registry holds (not only this session's), with its instance and suspect counts, in name order.</summary>
    public async Task<IReadOnlyList<ServiceSummary>> ListServicesAsync(CancellationToken cancellationToken = default) =>
        [.. (await _registry.ListServicesAsync(cancellationToken)).Select(s => new ServiceSummary(s.Name, s.Instances, s.Suspect))];

    /// <summary>Follows the registry's watch stream until cancelled, calling <paramref name="onChange"/> with each new list.</summary>
    public Task WatchServersAsync(Action<IReadOnlyList<ServerInfo>, string> onChange, CancellationToken cancellationToken) =>
        ServerListWatch.RunAsync(_registry, _options.Service, onChange, _time, _logger, cancellationToken);

    /// <summary>The channel's connectivity: Ready when at least one cached server is connected.</summary>
    public ConnectivityState State => _channel.State;

    internal ServerHealth Health => _health;

    /// <summary>This client's session for exactly-once Multiply; a new one starts when a store no longer knows it.</summary>
    internal ClientSession Session => Volatile.Read(ref _session);

    internal RetryBudget RetryBudget => _retryBudget;

    private static ServiceConfig CreateServiceConfig(BalancingPolicy policy) => new()
    {
        LoadBalancingConfigs = { new LoadBalancingConfig(RoundaboutBalancerFactory.NameOf(policy)) },
    };

    /// <summary>Ends the session: stops following the registry and closes every connection.</summary>
    public ValueTask DisposeAsync()
    {
        _directory.Dispose();
        _channel.Dispose();
        _registry.Dispose();
        _metrics.Dispose();
        _names.LookupEnded -= _connections.NameLookupEnded;
        _names.Dispose();
        return ValueTask.CompletedTask;
    }
}
