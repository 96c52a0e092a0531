using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Roundabout.Registry.Grpc;

/// <summary>
/// The optional shared token that guards Register, Renew and Deregister. It is compared in
/// constant time; a refusal is logged and changes nothing. Reads never need it.
/// </summary>
internal sealed class WriteAuthorizer(RegistryToken token, ILogger<WriteAuthorizer> logger)
{
    private const string Scheme = "Bearer ";

    private readonly byte[]? _expected = token.Value is null ? null : Encoding.UTF8.GetBytes(token.Value);

    public void Authorize(ServerCallContext context, string method)
    {
        if (_expected is null)
        {
            return;
        }

        var header = context.RequestHeaders.GetValue("authorization");
        string? reason = null;
        if (header is null)
        {
            reason = "no token";
        }
        else if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()), _expected))
        {
            reason = "wrong token";
        }

        if (reason is null)
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
