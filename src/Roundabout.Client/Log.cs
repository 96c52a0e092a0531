using Grpc.Core;
using Microsoft.Extensions.Logging;
using Roundabout.Client.Discovery;

namespace Roundabout.Client;

/// <summary>The client's log messages, with stable event ids (5000 to 5999, <see cref="Contracts.LogEventIds"/>).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Fetched {Count} server(s) from the registry at {Registry}: {Servers}")]
    public static partial void ServersFetched(ILogger logger, int count, string registry, ServerListText servers);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Server list refreshed: {Count} server(s): {Servers}")]
    public static partial void ServersRefreshed(ILogger logger, int count, ServerListText servers);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Fetching the server list again from the registry: {Reason} ({Count} cached)")]
    public static partial void RefreshingAfterFailures(ILogger logger, string reason, int count);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Registry {Registry} did not answer ({Code}: {Detail})")]
    public static partial void RegistryUnreachable(ILogger logger, string registry, StatusCode code, string detail);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "The registry lists an invalid address '{Address}' ({Error}); skipping it")]
    public static partial void InvalidInstance(ILogger logger, string address, string error);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "Server list changed ({Change}): {Count} server(s)")]
    public static partial void WatchChange(ILogger logger, string change, int count);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "The registry watch stream from {Registry} ended; reconnecting")]
    public static partial void WatchEnded(ILogger logger, string registry);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Warning, Message = "The registry watch stream broke ({Code}: {Detail}); reconnecting in {Seconds} s")]
    public static partial void WatchBroken(ILogger logger, StatusCode code, string detail, double seconds);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Debug, Message = "{Operation} attempt {Attempt} failed ({Code}: {Detail}); trying another server")]
    public static partial void AttemptFailed(ILogger logger, string operation, int attempt, StatusCode code, string detail);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "Skipping server {Address} after {Failures} failed calls in a row ({Reason}) for {Seconds} s (ejection #{Times})")]
    public static partial void ServerEjected(ILogger logger, string address, int failures, string reason, double seconds, int times);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "All {Count} ready server(s) are being skipped for failures; trying all of them (panic mode)")]
    public static partial void PanicMode(ILogger logger, int count);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Warning, Message = "Skipping server {Address}: its latency average {Average:0.#} ms is far above its peers' median {Median:0.#} ms; for {Seconds} s, then on probation (ejection #{Times})")]
    public static partial void ServerSlow(ILogger logger, string address, double average, double median, double seconds, int times);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Debug, Message = "Resolver published {Count} address(es)")]
    public static partial void ResolverPublished(ILogger logger, int count);
}
