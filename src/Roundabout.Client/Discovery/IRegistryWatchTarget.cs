using Grpc.Core;
using Roundabout.Contracts.Registry.V1;

namespace Roundabout.Client.Discovery;

/// <summary>The registries a <see cref="RegistryWatcher"/> opens its stream on, with failover between them.</summary>
internal interface IRegistryWatchTarget
{
    /// <summary>Opens the watch stream of <paramref name="service"/> on the registry preferred now, named in <paramref name="registry"/>.</summary>
    AsyncServerStreamingCall<WatchEvent> OpenWatch(string service, out string registry, CancellationToken cancellationToken);

    /// <summary>After a broken stream, the next one goes to the next registry.</summary>
    void MoveToNext();
}
