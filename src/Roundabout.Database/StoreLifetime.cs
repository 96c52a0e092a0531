using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Roundabout.Database.Engine;

namespace Roundabout.Database;

/// <summary>Closes the store when the host stops: the log drains, its last writes are fsynced, the lock is released.</summary>
internal sealed class StoreLifetime(KeyValueStore store, DatabaseHostOptions options, ILogger<StoreLifetime> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await store.DisposeAsync();
        if (options.InMemory)
        {
            Log.ClosedInMemory(logger);
        }
        else
        {
            Log.Closed(logger);
        }
    }
}
