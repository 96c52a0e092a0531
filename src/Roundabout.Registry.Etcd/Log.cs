using Microsoft.Extensions.Logging;

namespace Roundabout.Registry.Etcd;

/// <summary>The etcd backend's log lines (event ids 1100 to 1199, apart from the registry's own: <see cref="Contracts.LogEventIds"/>).</summary>
internal static partial class Log
{
    [LoggerMessage(1101, LogLevel.Information, "Membership is kept in etcd at {Endpoints} under {Prefix} (lease TTL {TtlSeconds} s)")]
    public static partial void UsingEtcd(ILogger logger, string endpoints, string prefix, long ttlSeconds);

    /// <summary>A broken watch, with its delay as people write it (<c>250 ms</c>, <c>2 s</c>).</summary>
    public static void WatchBroken(ILogger logger, string prefix, string reason, TimeSpan delay) =>
        WatchBroken(logger, prefix, reason, Contracts.HumanDuration.Format(delay));

    [LoggerMessage(1102, LogLevel.Warning, "etcd watch on {Prefix} broke ({Reason}); reconnecting in {Delay}")]
    private static partial void WatchBroken(ILogger logger, string prefix, string reason, string delay);

    [LoggerMessage(1103, LogLevel.Information, "etcd compacted the history a watch on {Prefix} needed; resending a snapshot")]
    public static partial void WatchCompacted(ILogger logger, string prefix);

    [LoggerMessage(1104, LogLevel.Warning, "etcd at {Endpoints} failed a call: {Reason}")]
    public static partial void CallFailed(ILogger logger, string endpoints, string reason);
}
