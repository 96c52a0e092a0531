using System.Diagnostics;
using OpenTelemetry;

namespace Roundabout.Hosting.Telemetry;

/// <summary>
/// Names a gRPC server span by its method (<c>roundabout.calculator.v1.Calculator/Sum</c>), as the
/// RPC conventions ask. The instrumentation tags the span with <c>rpc.method</c>, but ASP.NET Core
/// names it <c>POST /route</c> when the request ends; this runs after both, before any exporter.
/// </summary>
internal sealed class GrpcSpanNames : BaseProcessor<Activity>
{
    private const string RpcMethodTag = "rpc.method";

    /// <summary>The value the conventions give a method the server does not know.</summary>
    private const string UnknownMethod = "_OTHER";

    public override void OnEnd(Activity data)
    {
        if (data.Kind == ActivityKind.Server && data.GetTagItem(RpcMethodTag) is string { Length: > 0 } method && method != UnknownMethod)
        {
            data.DisplayName = method;
        }
    }
}
