namespace Roundabout.Client.Discovery;

internal sealed partial class ServerDirectory
{
    /// <summary>Follows the registry's watch stream from now on, replacing the cache on every change.</summary>
    public void StartWatching()
    {
        _watchTask = ServerListWatch.RunAsync(
            _registry,
            _service,
            (servers, change) =>
            {
                Volatile.Write(ref _fetched, true);
                Log.WatchChange(_logger, change, servers.Count);
                PublishWatched(servers);
            },
            _time,
            _logger,
            _stop.Token);
    }
}
