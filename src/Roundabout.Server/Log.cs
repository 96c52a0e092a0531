using Microsoft.Extensions.Logging;

namespace Roundabout.Server;

/// <summary>The server's log lines, with stable event ids (3000 to 3099; its Redis store's 3100 to 3199: <see cref="Contracts.LogEventIds"/>).</summary>
internal static partial class Log
{
    [LoggerMessage(3001, LogLevel.Information, "Server running on {Address}. Waiting for requests...")]
    public static partial void Running(ILogger logger, string address);

    [LoggerMessage(3002, LogLevel.Information, "Sum request: {A} + {B} = {Result}")]
    public static partial void Sum(ILogger logger, string a, string b, string result);

    [LoggerMessage(3003, LogLevel.Information, "Multiply request on '{Name}': x {Factor} = {Result}")]
    public static partial void Multiply(ILogger logger, string name, string factor, string result);

    [LoggerMessage(3004, LogLevel.Information, "Multiply request on '{Name}' (request {RequestId}) was already applied; returning its first result {Result}")]
    public static partial void MultiplyReplayed(ILogger logger, string name, string requestId, string result);

    [LoggerMessage(3005, LogLevel.Information, "Accumulator '{Name}' read: {Value}")]
    public static partial void AccumulatorRead(ILogger logger, string name, string value);

    [LoggerMessage(3006, LogLevel.Information, "Accumulator '{Name}' reset to 1")]
    public static partial void AccumulatorReset(ILogger logger, string name);

    [LoggerMessage(3007, LogLevel.Warning, "Request refused: {Reason}")]
    public static partial void Refused(ILogger logger, string reason);

    [LoggerMessage(3008, LogLevel.Information, "{Sums} more Sum and {Multiplies} more Multiply requests in the last second (one line per request resumes below {Limit} requests/s)")]
    public static partial void RequestsSummarized(ILogger logger, long sums, long multiplies, int limit);

    [LoggerMessage(3012, LogLevel.Warning, "UNSAFE MULTIPLY, for teaching only: Multiply reads the value, multiplies and writes it back with no compare and no dedupe; concurrent multiplies will lose updates and retries will apply twice. Run 'roundabout verify' to see it.")]
    public static partial void UnsafeMultiply(ILogger logger);

    [LoggerMessage(3009, LogLevel.Warning, "Accumulator store not reachable yet: {Store} ({Reason}); retrying in {Delay}")]
    public static partial void DatabaseUnreachable(ILogger logger, string store, string reason, string delay);

    [LoggerMessage(3013, LogLevel.Information, "Accumulators are kept in {Store}")]
    public static partial void StoreInUse(ILogger logger, string store);

    [LoggerMessage(3014, LogLevel.Warning, "Accumulator store unreachable for {Duration}, {Attempts} attempts: {Store} ({Reason}); still trying every {Delay} at most")]
    public static partial void StoreStillUnreachable(ILogger logger, string duration, int attempts, string store, string reason, string delay);

    [LoggerMessage(3015, LogLevel.Information, "Accumulator store reached after {Duration} ({Attempts} failed attempts): {Store}")]
    public static partial void StoreReached(ILogger logger, string duration, int attempts, string store);

    [LoggerMessage(3010, LogLevel.Warning, "The shared store failed: {Reason}")]
    public static partial void StoreFailed(ILogger logger, string reason);

    [LoggerMessage(3011, LogLevel.Information, "Shutting down: leaving the registry, then finishing requests in flight")]
    public static partial void ShuttingDown(ILogger logger);

    [LoggerMessage(3016, LogLevel.Warning, "{Method} refused for {Peer}: {Reason}; nothing was changed")]
    public static partial void WriteRefused(ILogger logger, string method, string peer, string reason);

    [LoggerMessage(3017, LogLevel.Warning, "FAULTS INJECTED, to learn from: {Faults} (Calculator calls are delayed or fail on purpose; registered as metadata faults={Faults})")]
    public static partial void FaultsOn(ILogger logger, string faults);

    [LoggerMessage(3018, LogLevel.Debug, "Injected an Unavailable into {Method}")]
    public static partial void FaultInjected(ILogger logger, string method);

    [LoggerMessage(3019, LogLevel.Error, "The database at {Address} refused this server: {Reason}")]
    public static partial void DatabaseRefused(ILogger logger, string address, string reason);
}
