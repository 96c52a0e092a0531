using Microsoft.Extensions.Logging;
using Roundabout.Contracts;
using Roundabout.Registry.Membership;

namespace Roundabout.Registry;

/// <summary>Every message the registry logs, with stable event ids (1000 to 1099, <see cref="LogEventIds"/>).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Service Registry running on port :{Port}")]
    public static partial void RegistryRunning(ILogger logger, int port);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Server registered: {Address}")]
    private static partial void ServerRegisteredDefault(ILogger logger, string address);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Server registered: {Address} (service {Service})")]
    private static partial void ServerRegisteredService(ILogger logger, string address, string service);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Server deregistered: {Address}")]
    private static partial void ServerDeregisteredDefault(ILogger logger, string address);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Server deregistered: {Address} (service {Service})")]
    private static partial void ServerDeregisteredService(ILogger logger, string address, string service);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Server evicted (missed heartbeats): {Address}")]
    private static partial void ServerEvictedDefault(ILogger logger, string address);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "Server evicted (missed heartbeats): {Address} (service {Service})")]
    private static partial void ServerEvictedService(ILogger logger, string address, string service);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning,
        Message = "Eviction guard: {Count} of {Total} instances of {Service} missed their heartbeats at once; " +
            "keeping them as suspect, and evicting them if they do not renew within {GraceSeconds} s: {Addresses}")]
    public static partial void EvictionHeld(ILogger logger, int count, int total, string service, double graceSeconds, string addresses);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Warning,
        Message = "The registry did not run for more than {TtlSeconds} s (paused, or starved of CPU); expired leases are held as suspect, not evicted")]
    public static partial void RegistryPaused(ILogger logger, double ttlSeconds);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Server recovered (renewed while suspect): {Address}")]
    public static partial void ServerRecovered(ILogger logger, string address);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Refused {Method} from {Peer}: {Reason}")]
    public static partial void WriteRefused(ILogger logger, string method, string peer, string reason);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Refused {Method} from {Peer}: {Reason}")]
    public static partial void RequestRefused(ILogger logger, string method, string peer, string reason);

    public static void ServerRegistered(ILogger logger, MemberInstance instance)
    {
        if (instance.Service == ServiceNames.Calculator)
        {
            ServerRegisteredDefault(logger, instance.Address);
        }
        else
        {
            ServerRegisteredService(logger, instance.Address, instance.Service);
        }
    }

    public static void ServerDeregistered(ILogger logger, MemberInstance instance)
    {
        if (instance.Service == ServiceNames.Calculator)
        {
            ServerDeregisteredDefault(logger, instance.Address);
        }
        else
        {
            ServerDeregisteredService(logger, instance.Address, instance.Service);
        }
    }

    public static void ServerEvicted(ILogger logger, MemberInstance instance)
    {
        if (instance.Service == ServiceNames.Calculator)
        {
            ServerEvictedDefault(logger, instance.Address);
        }
        else
        {
            ServerEvictedService(logger, instance.Address, instance.Service);
        }
    }
}
