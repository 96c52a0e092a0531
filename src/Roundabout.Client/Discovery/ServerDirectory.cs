using Microsoft.Extensions.Logging;

namespace Roundabout.Client.Discovery;

/// <summary>
/// The client's cached server list (the exercise's caching). It is fetched once at session start,
/// and again only when asked (<see cref="RefreshAsync"/>) or when every cached server has failed
/// (<see cref="RefreshAfterFailuresAsync"/>, at most once per rate-limit period), or it follows
/// the registry's watch stream when watching is on.
/// </summary>
internal sealed partial class ServerDirectory : IDisposable
{
    private readonly RegistryEndpoints _registry;
    private readonly string _service;
    private readonly TimeSpan _rateLimit;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _fetchLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private IReadOnlyList<ServerInfo> _current = [];
    private long _lastFetchTimestamp;
    private bool _fetched;
    private int _fetchCount;
    private int _watchPublications;
    private readonly Lock _publishGate = new();
    private Task _watchTask = Task.CompletedTask;

    public ServerDirectory(RegistryEndpoints registry, string service, TimeSpan rateLimit, TimeProvider time, ILogger logger)
    {
        _registry = registry;
        _service = service;
        _rateLimit = rateLimit;
        _time = time;
        _logger = logger;
    }

    /// <summary>Raised after the cached list changed (or was fetched again).</summary>
    public event Action? Changed;

    public IReadOnlyList<ServerInfo> Current => Volatile.Read(ref _current);

    public bool HasFetched => Volatile.Read(ref _fetched);

    /// <summary>How many times the list was fetched with ListInstances.</summary>
    public int FetchCount => Volatile.Read(ref _fetchCount);

    public string EmptyListMessage =>
        $"The registry at {_registry.Description} lists no '{_service}' servers. " +
        (_service == Contracts.ServiceNames.Calculator
            ? "Start one with 'roundabout server --port 9001'."
            : "Start an instance that registers under that name, or check the name with 'roundabout servers --service NAME'.");

    /// <summary>Fetches the list at session start, once; later calls return the cache.</summary>
    public async Task<IReadOnlyList<ServerInfo>> EnsureFetchedAsync(CancellationToken cancellationToken)
    {
        if (HasFetched)
        {
            return Current;
        }

        await _fetchLock.WaitAsync(cancellationToken);
        try
        {
            if (!HasFetched)
            {
                await FetchLockedAsync(cancellationToken);
                Log.ServersFetched(_logger, Current.Count, _registry.Description, new ServerListText(Current));
            }

            return Current;
        }
        finally
        {
            _fetchLock.Release();
        }
    }

    /// <summary>Fetches the list again because the user asked.</summary>
    public async Task<IReadOnlyList<ServerInfo>> RefreshAsync(CancellationToken cancellationToken)
    {
        await _fetchLock.WaitAsync(cancellationToken);
        try
        {
            await FetchLockedAsync(cancellationToken);
            Log.ServersRefreshed(_logger, Current.Count, new ServerListText(Current));
            return Current;
        }
        finally
        {
            _fetchLock.Release();
        }
    }

    /// <summary>
    /// Fetches the list again because every cached server failed, unless a fetch happened within
    /// the rate limit. Concurrent callers share one fetch. Returns true when the list was fetched.
    /// </summary>
    public async Task<bool> RefreshAfterFailuresAsync(string reason, CancellationToken cancellationToken)
    {
        if (HasFetched && _time.GetElapsedTime(Volatile.Read(ref _lastFetchTimestamp)) < _rateLimit)
        {
            return false;
        }

        var requested = _time.GetTimestamp();
        await _fetchLock.WaitAsync(cancellationToken);
        try
        {
            if (HasFetched && Volatile.Read(ref _lastFetchTimestamp) >= requested)
            {
                return true;
            }

            if (HasFetched && _time.GetElapsedTime(Volatile.Read(ref _lastFetchTimestamp)) < _rateLimit)
            {
                return false;
            }

            Log.RefreshingAfterFailures(_logger, reason, Current.Count);
            await FetchLockedAsync(cancellationToken);
            Log.ServersRefreshed(_logger, Current.Count, new ServerListText(Current));
            return true;
        }
        finally
        {
            _fetchLock.Release();
        }
    }

    private async Task FetchLockedAsync(CancellationToken cancellationToken)
    {
        var watchedBefore = Volatile.Read(ref _watchPublications);
        var servers = await _registry.ListAsync(_service, cancellationToken);
        Interlocked.Increment(ref _fetchCount);
        Volatile.Write(ref _lastFetchTimestamp, _time.GetTimestamp());
        Volatile.Write(ref _fetched, true);
        lock (_publishGate)
        {
            // A list the watch published while this fetch was under way may be newer than the
            // fetch's answer, and the watch keeps it current from there; the fetch's answer would
            // not be corrected by anything, so it gives way.
            if (Volatile.Read(ref _watchPublications) == watchedBefore)
            {
                Publish(servers);
            }
        }
    }

    /// <summary>Publishes a list the watch stream describes.</summary>
    private void PublishWatched(IReadOnlyList<ServerInfo> servers)
    {
        lock (_publishGate)
        {
            Interlocked.Increment(ref _watchPublications);
            Publish(servers);
        }
    }

    private void Publish(IReadOnlyList<ServerInfo> servers)
    {
        Volatile.Write(ref _current, servers);
        Changed?.Invoke();
    }

    internal static string Describe(IReadOnlyList<ServerInfo> servers) => new ServerListText(servers).ToString();

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _watchTask.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
        _fetchLock.Dispose();
    }
}
