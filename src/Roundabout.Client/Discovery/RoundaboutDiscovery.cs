using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Roundabout.Client.Balancing;
using Roundabout.Client.Network;
using Roundabout.Client.Discovery;
using Roundabout.Client.Telemetry;
using Roundabout.Contracts.Security;

namespace Roundabout.Client;

/// <summary>
/// Discovery and balancing for any gRPC or HTTP service registered in Roundabout. For each
/// service asked about, it fetches the instances from the registry once and then follows the
/// registry's watch stream, so a dead instance leaves within its lease and a new one joins at once.
/// A gRPC channel for <c>roundabout:///NAME</c> (see <see cref="CreateChannel"/>, or
/// <c>AddRoundaboutDiscovery</c> for a container)
/// balances calls over those instances with the chosen policy and skips instances that keep failing.
/// One instance per application; thread-safe; dispose it at the end.
/// </summary>
public sealed class RoundaboutDiscovery : IDisposable
{
    /// <summary>The URI scheme of addresses resolved through the registry: <c>roundabout:///orders</c>.</summary>
    public const string Scheme = RegistryResolverFactory.Scheme;

    private readonly RoundaboutDiscoveryOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly RegistryEndpoints _registry;
    private readonly ConcurrentDictionary<string, Lazy<ServerDirectory>> _services = new(StringComparer.Ordinal);
    private readonly ClientMetrics _metrics;
    private int _disposed;

    /// <summary>Creates a discovery without network I/O; a service's instances are fetched when first asked for.</summary>
    /// <exception cref="ArgumentException">A setting in <paramref name="options"/> is invalid; the message names it.</exception>
    public RoundaboutDiscovery(RoundaboutDiscoveryOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _registry = new RegistryEndpoints([.. options.Registries], options.RegistryDeadline, options.Tls, options.TimeProvider, _loggerFactory.CreateLogger<RegistryEndpoints>());
        _metrics = new ClientMetrics(options.MeterFactory);
        Health = new ServerHealth(options.Outliers, options.TimeProvider, _loggerFactory.CreateLogger<ServerHealth>(), _metrics);
        var progress = new ConnectionProgress();
        Names = new NameResolver(NameResolver.ClientLookups, options.RegistryDeadline, options.TimeProvider);
        ResolverFactory = new DiscoveryResolverFactory(this);
        LoadBalancerFactories = [.. Enum.GetValues<BalancingPolicy>().Select(policy => new RoundaboutBalancerFactory(policy, Health, options.Random, options.TimeProvider, progress))];
        ServiceProvider = new BalancerServices(ResolverFactory, LoadBalancerFactories);
    }

    /// <summary>The balancing policy every channel of this discovery uses.</summary>
    public BalancingPolicy Policy => _options.Policy;

    /// <summary>The registries followed, as <c>host:port,host:port</c>.</summary>
    public string Registries => _registry.Description;

    /// <summary>Looks up the host names of the instances the registry lists.</summary>
    internal NameResolver Names { get; }

    /// <summary>grpc-dotnet's resolver for <c>roundabout://</c> addresses.</summary>
    public ResolverFactory ResolverFactory { get; }

    /// <summary>grpc-dotnet's balancers for every <see cref="BalancingPolicy"/>.</summary>
    public IReadOnlyList<LoadBalancerFactory> LoadBalancerFactories { get; }

    /// <summary>
    /// A service provider that offers only <see cref="ResolverFactory"/> and
    /// <see cref="LoadBalancerFactories"/>: set it as <see cref="GrpcChannelOptions.ServiceProvider"/>
    /// when the application has no container of its own.
    /// </summary>
    public IServiceProvider ServiceProvider { get; }

    internal ServerHealth Health { get; }

    /// <summary>
    /// A channel to <paramref name="service"/>: <c>roundabout:///service</c> with this discovery's
    /// resolver and balancer. Settings in <paramref name="options"/> are kept, except that the
    /// service provider is this discovery's, and credentials default to cleartext (or TLS when
    /// <see cref="RoundaboutDiscoveryOptions.Tls"/> is set). Reuse the channel: the connections live in it.
    /// </summary>
    public GrpcChannel CreateChannel(string service, GrpcChannelOptions? options = null)
    {
        ValidateServiceName(service);
        options ??= new GrpcChannelOptions();
        options.ServiceProvider = ServiceProvider;
        if (_options.Tls is not null)
        {
            GrpcChannels.Secure(options, _options.Tls);
        }

        options.Credentials ??= ChannelCredentials.Insecure;
        return GrpcChannel.ForAddress(AddressOf(service), options);
    }

    /// <summary>The address that resolves <paramref name="service"/> through the registry: <c>roundabout:///service</c>.</summary>
    public static Uri AddressOf(string service)
    {
        ValidateServiceName(service);
        return new Uri($"{Scheme}:///{Uri.EscapeDataString(service)}");
    }

    /// <summary>
    /// The instances of <paramref name="service"/> as this discovery sees them now: fetched from the
    /// registry on the first ask, then kept up to date by the watch stream.
    /// Throws <see cref="RpcException"/> (Unavailable) when no registry answers the first fetch.
    /// </summary>
    public Task<IReadOnlyList<ServerInfo>> GetInstancesAsync(string service, CancellationToken cancellationToken = default) =>
        DirectoryOf(service).EnsureFetchedAsync(cancellationToken);

    /// <summary>
    /// Calls <paramref name="onChange"/> after every change of <paramref name="service"/>'s instances
    /// (and after each fetch); dispose the result to stop.
    /// </summary>
    public IDisposable Subscribe(string service, Action onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        var directory = DirectoryOf(service);
        directory.Changed += onChange;
        return new Subscription(() => directory.Changed -= onChange);
    }

    internal ServerDirectory DirectoryOf(string service)
    {
        ValidateServiceName(service);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        return _services.GetOrAdd(service, name => new Lazy<ServerDirectory>(() =>
        {
            var directory = new ServerDirectory(_registry, name, TimeSpan.FromSeconds(2), _options.TimeProvider, _loggerFactory.CreateLogger<ServerDirectory>());
            directory.StartWatching();
            return directory;
        })).Value;
    }

    private static void ValidateServiceName(string service)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        if (service.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{service}' is not a service name: it must not contain '/'.", nameof(service));
        }
    }

    /// <summary>Stops following the registry and closes its connections; channels made by this discovery stop resolving.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        foreach (var service in _services.Values)
        {
            if (service.IsValueCreated)
            {
                service.Value.Dispose();
            }
        }

        _registry.Dispose();
        _metrics.Dispose();
        Names.Dispose();
    }

    private sealed class Subscription(Action unsubscribe) : IDisposable
    {
        private Action? _unsubscribe = unsubscribe;

        public void Dispose() => Interlocked.Exchange(ref _unsubscribe, null)?.Invoke();
    }
}
