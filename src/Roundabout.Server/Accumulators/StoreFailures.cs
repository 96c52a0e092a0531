using System.Numerics;
using Grpc.Core;
using Roundabout.Contracts;

namespace Roundabout.Server.Accumulators;

/// <summary>The failures every store throws alike, so that the same fault reads the same on each engine.</summary>
internal static class StoreFailures
{
    /// <summary>A call to a store spoken to over gRPC (the embedded database, etcd) that did not reach it or got no answer in time: a write in flight may or may not have been applied.</summary>
    public static StoreFailureException Unreachable(StoreAddress store, RpcException ex, TimeSpan callDeadline) => ex switch
    {
        { StatusCode: StatusCode.DeadlineExceeded } =>
            new(store, StoreFailureKind.Unavailable, $"did not answer within {callDeadline.TotalSeconds:0.###} s", cause: ex.Status.Detail, inner: ex),
        { Status.DebugException: not null } =>
            new(store, StoreFailureKind.Unavailable, $"is unreachable ({ex.Status.Detail})", cause: ex.Status.Detail, inner: ex),
        _ => new(store, StoreFailureKind.Unavailable, $"is unavailable ({ex.StatusCode}: {ex.Status.Detail})", cause: ex.Status.Detail, inner: ex),
    };

    /// <summary>
    /// A gRPC call to a store that ended in an <see cref="OperationCanceledException"/> although its
    /// caller did not cancel: its own deadline passed while grpc-dotnet was still connecting, which it
    /// reports that way rather than as DeadlineExceeded. Seen as the DeadlineExceeded it is.
    /// </summary>
    public static RpcException AsDeadlineExceeded(OperationCanceledException ex) =>
        new(new Status(StatusCode.DeadlineExceeded, $"the call's deadline passed before it was answered ({ex.Message})"));

    /// <summary>A stored value that is not a decimal integer: some other program wrote the key.</summary>
    public static StoreFailureException NotANumber(StoreAddress store, string name) =>
        new(store, StoreFailureKind.CorruptValue, $"holds a value of accumulator '{name}' that is not a decimal integer", $"reset it with 'roundabout reset --name {name}'");

    /// <summary>A session key that holds something else than a session record.</summary>
    public static StoreFailureException NotASessionRecord(StoreAddress store, string key) =>
        new(store, StoreFailureKind.CorruptValue, $"holds something other than a session record at '{key}', so the session cannot be checked", "delete that key");

    /// <summary>The value of accumulator <paramref name="name"/> as stored, or a <see cref="StoreFailureKind.CorruptValue"/> failure.</summary>
    public static BigInteger Decode(StoreAddress store, string name, ReadOnlySpan<byte> bytes) =>
        AccumulatorKeys.TryDecode(bytes, out var value) ? value : throw NotANumber(store, name);
}
