using Microsoft.Extensions.Logging;

namespace Roundabout.Server.Membership;

internal static partial class Log
{
    [LoggerMessage(101, LogLevel.Information, "Successfully registered to Registry")]
    public static partial void Registered(ILogger logger);

    [LoggerMessage(102, LogLevel.Warning, "Registry at {Registry} is not reachable yet ({Reason}); retrying in {Delay}")]
    public static partial void RegistryUnreachable(ILogger logger, string registry, string reason, TimeSpan delay);

    [LoggerMessage(103, LogLevel.Error, "Registry at {Registry} refused the registration: {Reason}")]
    public static partial void RegistrationRefused(ILogger logger, string registry, string reason);

    [LoggerMessage(104, LogLevel.Information, "Deregistered from Registry")]
    public static partial void Deregistered(ILogger logger);

    [LoggerMessage(105, LogLevel.Warning, "Could not deregister from Registry ({Reason}); it will evict this server when its lease expires")]
    public static partial void DeregisterFailed(ILogger logger, string reason);
}
