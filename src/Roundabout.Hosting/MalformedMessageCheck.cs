using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Frozen;
using System.IO.Pipelines;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Roundabout.Hosting;

/// <summary>
/// Answers a call whose request is not a valid protobuf message of its type with InvalidArgument,
/// naming the type and what is wrong with it. Without it, grpc-dotnet answers such bytes with
/// Unknown, "Exception was thrown by handler.", which tells the caller nothing. A frame whose length
/// prefix is over the size limit is answered ResourceExhausted here, before gRPC reads it: gRPC
/// takes a prefix of 2^31 or more for a negative length, fails with Unknown and logs an error.
/// </summary>
/// <remarks>
/// Only calls with one request message (unary and server streaming) are checked, and only a
/// complete, uncompressed frame within the size limit is parsed: anything else within the limit is
/// left to gRPC, which has its own clear answers (Internal "Incomplete message"). The bytes are not
/// consumed, so gRPC reads them as it would have.
/// </remarks>
internal sealed class MalformedMessageCheck(IEnumerable<ServiceDescriptor> services, int limit)
{
    private const int FrameHeaderSize = 5;

    // The parsers come from the services' descriptors, which the generated code fills in without
    // reflection, so the check also works in the native (trimmed) build.
    private readonly FrozenDictionary<string, MessageDescriptor> _requests = services
        .SelectMany(service => service.Methods)
        .Where(method => !method.IsClientStreaming)
        .ToFrozenDictionary(method => $"/{method.Service.FullName}/{method.Name}", method => method.InputType, StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is not { } grpc
            || grpc.Method.Type is not (MethodType.Unary or MethodType.ServerStreaming)
            || !_requests.TryGetValue(grpc.Method.FullName, out var request))
        {
            await next(context);
            return;
        }

        var (code, problem) = await CheckFrameAsync(context.Request.BodyReader, request.Parser, limit, context.RequestAborted);
        if (problem is null)
        {
            await next(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(code == StatusCode.InvalidArgument ? $"The request is not a valid {request.Name} message: {problem}" : problem);
    }

    /// <summary>
    /// Reads until one whole frame is buffered and parses its payload, leaving every byte unconsumed
    /// for gRPC. Returns what is wrong with the message and its status, or a null problem when it
    /// parses or when the body is not one complete, uncompressed frame (gRPC answers those itself).
    /// </summary>
    private static async Task<(StatusCode Code, string? Problem)> CheckFrameAsync(PipeReader reader, MessageParser parser, int limit, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            long length = -1;
            var compressed = false;
            if (buffer.Length >= FrameHeaderSize)
            {
                (compressed, length) = ReadHeader(buffer);
            }

            if (length > limit)
            {
                reader.AdvanceTo(buffer.Start);
                return (StatusCode.ResourceExhausted, $"The request's length prefix says {length} bytes, over this component's limit of {limit} bytes.");
            }

            var whole = length >= 0 && !compressed && buffer.Length >= FrameHeaderSize + length;
            var leaveToGrpc = length >= 0 && compressed;
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
                return (StatusCode.InvalidArgument, problem);
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static (bool Compressed, long Length) ReadHeader(ReadOnlySequence<byte> buffer)
    {
        Span<byte> header = stackalloc byte[FrameHeaderSize];
        buffer.Slice(0, FrameHeaderSize).CopyTo(header);
        return (header[0] != 0, BinaryPrimitives.ReadUInt32BigEndian(header[1..]));
    }
}
