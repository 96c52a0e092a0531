using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Roundabout.Hosting;

namespace Roundabout.Database.Grpc;

/// <summary>
/// With a token set, every call of the Database service must carry it as
/// <c>authorization: Bearer &lt;token&gt;</c>, compared in constant time; a call without it is
/// refused with Unauthenticated before it reaches the store. Attached to the Database service
/// alone, so the health service stays open to probes.
/// </summary>
internal sealed class TokenInterceptor(DatabaseToken token, ILogger<TokenInterceptor> logger) : Interceptor
{
    private readonly BearerToken _expected = new(token.Value);

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(request, responseStream, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(requestStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Authorize(ServerCallContext context)
    {
        if (_expected.Refusal(context.RequestHeaders) is not { } reason)
        {
            return;
        }

        var method = context.Method[(context.Method.LastIndexOf('/') + 1)..];
        Log.CallRefused(logger, method, context.Peer, reason);
        throw new RpcException(new Status(
            StatusCode.Unauthenticated,
            $"{method} needs this database's token ({reason} was sent): send the call metadata 'authorization: Bearer <token>'; " +
            "a server passes it with --database-token or the ROUNDABOUT_DATABASE_TOKEN environment variable"));
    }
}

/// <summary>The database's shared token.</summary>
internal sealed record DatabaseToken(string Value);
