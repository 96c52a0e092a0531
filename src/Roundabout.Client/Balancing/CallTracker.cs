using Grpc.Net.Client.Balancer;
using Roundabout.Client.Telemetry;
using Roundabout.Contracts;

namespace Roundabout.Client.Balancing;

/// <summary>
/// One server's call counts in <see cref="ServerHealth"/>, and the tracker the pickers hand to
/// grpc-dotnet with every call to that server. One per server, shared by all its calls: a call's
/// start and outcome only change the counts, so a pick allocates nothing and looks nothing up.
/// </summary>
/// <remarks>
/// grpc-dotnet completes the tracker when the response headers arrive or the HTTP request fails:
/// a refused or broken connection and a passed deadline arrive here as errors. A server that
/// answers promptly with an error status counts as reachable.
/// </remarks>
internal sealed class CallTracker(ServerHealth health, string address, PeakEwma latency) : ISubchannelCallTracker
{
    /// <summary>The server's host and (boxed once) port, for the attempt's span; null when the key is no address.</summary>
    private readonly (string Host, object Port)? _endpoint =
        EndpointAddress.TryParse(address, out var parsed, out _) ? (parsed.Host, parsed.Port) : null;

    public int Outstanding;
    public int ConsecutiveFailures;
    public int TimesEjected;
    public long EjectedUntilTicks;

    /// <summary>1 from an ejection for latency until the server has answered enough calls again.</summary>
    public int OnProbation;

    public string Address => address;

    /// <summary>The latency average the peak EWMA policy weighs; only that policy feeds it.</summary>
    public PeakEwma Latency => latency;

    /// <summary>Called by grpc-dotnet in the call's own flow, once the call is sent to this server.</summary>
    public void Start()
    {
        Interlocked.Increment(ref Outstanding);
        if (_endpoint is { } endpoint)
        {
            AttemptSpan.Reached(endpoint.Host, endpoint.Port);
        }
    }

    public void Complete(CompletionContext context) => health.CallCompleted(this, context.Error);
}
