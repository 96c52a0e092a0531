using Grpc.Core;
using Microsoft.Extensions.Logging;
using Roundabout.Hosting;

namespace Roundabout.Registry.Grpc;

/// <summary>
/// The optional shared token that guards Register, Renew and Deregister. It is compared in
/// constant time; a refusal is logged and changes nothing. Reads never need it.
/// </summary>
internal sealed class WriteAuthorizer(RegistryToken token, ILogger<WriteAuthorizer> logger)
{
    private readonly BearerToken? _expected = token.Value is null ? null : new BearerToken(token.Value);

    public void Authorize(ServerCallContext context, string method)
    {
        if (_expected?.Refusal(context.RequestHeaders) is not { } reason)
        {
            return;
        }

        Log.WriteRefused(logger, method, context.Peer, reason);
        throw new RpcException(new Status(
            StatusCode.Unauthenticated,
            $"{method} needs this registry's token ({reason} was sent): send the call metadata 'authorization: Bearer <token>', " +
            "for example with --token or the ROUNDABOUT_TOKEN environment variable"));
    }
}

/// <summary>The shared token, or null when writes are open.</summary>
internal sealed record RegistryToken(string? Value);
