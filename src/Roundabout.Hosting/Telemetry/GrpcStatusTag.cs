using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Roundabout.Hosting.Telemetry;

/// <summary>
/// Adds the call's gRPC status to ASP.NET Core's <c>http.server.request.duration</c>, as
/// <c>rpc.grpc.status_code</c>: every gRPC call answers HTTP 200, so the HTTP status alone cannot
/// tell a refused or failed call from a good one. Only registered while metrics are on.
/// </summary>
internal static class GrpcStatusTag
{
    public const string Name = "rpc.grpc.status_code";

    private const string StatusHeader = "grpc-status";

    public static async Task AddAsync(HttpContext context, RequestDelegate next)
    {
        await next(context);
        if (context.Features.Get<IHttpMetricsTagsFeature>() is not { } metrics || !HttpProtocol.IsHttp2(context.Request.Protocol))
        {
            return;
        }

        // A call that fails before any message sends its status in the headers (trailers-only).
        var status = context.Response.Headers[StatusHeader];
        if (status.Count == 0 && context.Features.Get<IHttpResponseTrailersFeature>() is { } trailers)
        {
            status = trailers.Trailers[StatusHeader];
        }

        if (status.Count > 0)
        {
            metrics.Tags.Add(new KeyValuePair<string, object?>(Name, status.ToString()));
        }
    }
}
