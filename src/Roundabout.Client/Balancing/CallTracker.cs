using Grpc.Net.Client.Balancer;

namespace Roundabout.Client.Balancing;

/// <summary>Feeds one call's start and outcome on one server back into <see cref="ServerHealth"/>.</summary>
/// <remarks>
/// grpc-dotnet completes the tracker when the response headers arrive or the HTTP request fails:
/// a refused or broken connection and a passed deadline arrive here as errors. A server that
/// answers promptly with an error status counts as reachable.
/// </remarks>
internal sealed class CallTracker(ServerHealth health, string address) : ISubchannelCallTracker
{
    public void Start() => health.CallStarted(address);

    public void Complete(CompletionContext context) => health.CallCompleted(address, context.Error);
}
