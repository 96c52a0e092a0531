using Grpc.Core;
using Microsoft.Extensions.Logging;
using Roundabout.Hosting;

namespace Roundabout.Server.Calculation;

/// <summary>
/// With --token set, the server's own writes (ResetAccumulator) need the same token the server
/// registers with: whoever may change the cluster holds it. Sum, Multiply and GetAccumulator stay open.
/// A refusal is logged and changes nothing.
/// </summary>
internal sealed class WriteAuthorizer(ServerHostOptions options, ILogger<WriteAuthorizer> logger)
{
    private readonly BearerToken? _expected = options.Token is { } token ? new BearerToken(token) : null;

    public void Authorize(ServerCallContext context, string method)
    {
        if (_expected?.Refusal(context.RequestHeaders) is not { } reason)
        {
            return;
        }

        Log.WriteRefused(logger, method, context.Peer, reason);
        throw new RpcException(new Status(
            StatusCode.Unauthenticated,
            $"{method} needs this server's token, the one it registers with ({reason} was sent): send the call metadata 'authorization: Bearer <token>', " +
            "for example with 'roundabout reset --token-file FILE' or the ROUNDABOUT_TOKEN environment variable"));
    }
}
