using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Roundabout.Server.Faults;

/// <summary>
/// Injects the configured faults into the Calculator's calls (never into health checks): first the
/// delay, then the error, each drawn on its own. Installed only when some fault is set, so a
/// normal server pays nothing for it.
/// </summary>
internal sealed class FaultInjector(ServerHostOptions options, TimeProvider time, ILogger<FaultInjector> logger) : Interceptor
{
    private readonly FaultOptions _faults = options.Faults;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (_faults.Latency is { } latency && (latency.Fraction >= 1 || _faults.Random.NextDouble() < latency.Fraction))
        {
            await Task.Delay(latency.Delay, time, context.CancellationToken);
        }

        if (_faults.ErrorRate > 0 && _faults.Random.NextDouble() < _faults.ErrorRate)
        {
            Log.FaultInjected(logger, context.Method);
            throw new RpcException(new Status(
                StatusCode.Unavailable,
                $"Injected fault: this server fails a share of its calls on purpose (--inject-errors {_faults.ErrorRate:0.####}); another server may answer."));
        }

        return await continuation(request, context);
    }
}
