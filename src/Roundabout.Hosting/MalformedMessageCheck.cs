using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Roundabout.Hosting;

/// <summary>
/// Answers a call whose request is not a valid protobuf message of its type with InvalidArgument,
/// naming the type and what is wrong with it. Without it, grpc-dotnet answers such bytes with
/// Unknown, "Exception was thrown by handler.", which tells the caller nothing.
/// </summary>
/// <remarks>
/// Only calls with one request message (unary and server streaming) are checked, and only a
/// complete, uncompressed frame within the size limit: anything else is left to gRPC, which has
/// its own clear answers (ResourceExhausted, Internal "Incomplete message"). The bytes are not
/// consumed, so gRPC reads them as it would have.
/// </remarks>
internal static class MalformedMessageCheck
{
    private const int FrameHeaderSize = 5;
    private static readonly ConcurrentDictionary<Type, MessageParser?> _parsers = new();

    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is not { } grpc
            || grpc.Method.Type is not (MethodType.Unary or MethodType.ServerStreaming)
            || ParserOf(grpc.Method) is not { } parser)
        {
            await next(context);
            return;
        }

        var limit = context.RequestServices.GetRequiredService<IOptions<GrpcServiceOptions>>().Value.MaxReceiveMessageSize ?? int.MaxValue;
        var problem = await CheckFrameAsync(context.Request.BodyReader, parser, limit, context.RequestAborted);
        if (problem is null)
        {
            await next(context);
            return;
        }

        var type = parser.GetType().GetGenericArguments().FirstOrDefault()?.Name ?? "request";
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = ((int)StatusCode.InvalidArgument).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString($"The request is not a valid {type} message: {problem}");
    }

    /// <summary>
    /// Reads until one whole frame is buffered and parses its payload, leaving every byte unconsumed
    /// for gRPC. Returns what is wrong with the message, or null when it parses or when the body is
    /// not one complete, uncompressed frame within the limit (gRPC answers those itself).
    /// </summary>
    private static async Task<string?> CheckFrameAsync(PipeReader reader, MessageParser parser, int limit, CancellationToken cancellationToken)
    {
        var header = new byte[FrameHeaderSize];
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            long length = -1;
            var compressed = false;
            if (buffer.Length >= FrameHeaderSize)
            {
                buffer.Slice(0, FrameHeaderSize).CopyTo(header);
                compressed = header[0] != 0;
                length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
            }

            var whole = length >= 0 && length <= limit && !compressed && buffer.Length >= FrameHeaderSize + length;
            var leaveToGrpc = length >= 0 && (length > limit || compressed);
            if (whole || leaveToGrpc || result.IsCompleted || result.IsCanceled)
            {
                string? problem = null;
                if (whole)
                {
                    try
                    {
                        parser.ParseFrom(buffer.Slice(FrameHeaderSize, length));
                    }
                    catch (InvalidProtocolBufferException ex)
                    {
                        problem = ex.Message;
                    }
                }

                reader.AdvanceTo(buffer.Start);
                return problem;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static MessageParser? ParserOf(IMethod method) => _parsers.GetOrAdd(method.GetType(), static type =>
    {
        var request = type.IsGenericType ? type.GetGenericArguments()[0] : null;
        return request?.GetProperty("Parser", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as MessageParser;
    });
}
