using System.Diagnostics;

namespace Roundabout.Client.Telemetry;

/// <summary>
/// Names the server an attempt reached on grpc-dotnet's span of that attempt. The span starts
/// before the balancer picks, so its <c>server.address</c> is the balancer's placeholder host
/// (<c>loadbalancer.temporary.invalid:80</c>); the pick, made in the same flow as the call, knows
/// the real one.
/// </summary>
internal static class AttemptSpan
{
    /// <summary>The operation name of grpc-dotnet's span of one call attempt.</summary>
    public const string OperationName = "Grpc.Net.Client.GrpcOut";

    /// <summary>Tags the current attempt span, if one is being recorded, with the server picked for it.</summary>
    public static void Reached(string host, object port)
    {
        if (Activity.Current is { IsAllDataRequested: true, OperationName: OperationName } attempt)
        {
            attempt.SetTag("server.address", host);
            attempt.SetTag("server.port", port);
        }
    }
}
