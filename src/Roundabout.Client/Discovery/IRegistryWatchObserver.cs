using Grpc.Core;
using Roundabout.Contracts.Registry.V1;

namespace Roundabout.Client.Discovery;

/// <summary>What a <see cref="RegistryWatcher"/> reports, in order, for each stream it opens.</summary>
internal interface IRegistryWatchObserver
{
    /// <summary>The first event of a new stream arrived from <paramref name="registry"/>: it answers again.</summary>
    void Opened(string registry);

    /// <summary>The whole membership at <paramref name="revision"/>; every new stream starts with one.</summary>
    void Snapshot(string registry, long revision, IReadOnlyList<Instance> instances);

    /// <summary>One change newer than every event before it on this stream (older ones are dropped).</summary>
    void Changed(InstanceChange change, long revision);

    /// <summary>
    /// The stream from <paramref name="registry"/> ended (<paramref name="error"/> null) or broke;
    /// the next one is opened, on the next registry, after <paramref name="retryIn"/>.
    /// </summary>
    void Broken(string registry, RpcException? error, TimeSpan retryIn);
}
