using Microsoft.Extensions.Logging;

namespace Roundabout.Registry.Etcd;

/// <summary>The etcd backend's log lines (event ids 200 and up, apart from the registry's own).</summary>
internal static partial class Log
{
    [LoggerMessage(200, LogLevel.Information, "Membership is kept in etcd at {Endpoints} under {Prefix} (lease TTL {TtlSeconds} s)")]
    public static partial void UsingEtcd(ILogger logger, string endpoints, string prefix, long ttlSeconds);

    [LoggerMessage(201, LogLevel.Warning, "etcd watch on {Prefix} broke ({Reason}); reconnecting in {Delay}")]
    public static partial void WatchBroken(ILogger logger, string prefix, string reason, TimeSpan delay);

    [LoggerMessage(202, LogLevel.Information, "etcd compacted the history a watch on {Prefix} needed; resending a snapshot")]
    public static partial void WatchCompacted(ILogger logger, string prefix);

    [LoggerMessage(203, LogLevel.Warning, "etcd at {Endpoints} failed a call: {Reason}")]
    public static partial void CallFailed(ILogger logger, string endpoints, string reason);
}
