using Microsoft.Extensions.Logging;

namespace Roundabout.Registration;

/// <summary>The registration agent's log lines, with stable event ids (4000 to 4999, <see cref="Contracts.LogEventIds"/>).</summary>
internal static partial class Log
{
    [LoggerMessage(4001, LogLevel.Information, "Successfully registered to Registry")]
    public static partial void Registered(ILogger logger);

    [LoggerMessage(4002, LogLevel.Warning, "Registry at {Registry} is not reachable yet ({Reason}); retrying in {Delay}")]
    public static partial void RegistryUnreachable(ILogger logger, string registry, string reason, string delay);

    [LoggerMessage(4003, LogLevel.Error, "Registry at {Registry} refused the registration: {Reason}")]
    public static partial void RegistrationRefused(ILogger logger, string registry, string reason);

    [LoggerMessage(4004, LogLevel.Information, "Deregistered from Registry")]
    public static partial void Deregistered(ILogger logger);

    [LoggerMessage(4005, LogLevel.Warning, "Could not deregister from Registry ({Reason}); it will evict this server when its lease expires")]
    public static partial void DeregisterFailed(ILogger logger, string reason);

    [LoggerMessage(4006, LogLevel.Warning, "Registry at {Registry} no longer knows this server's lease (it restarted or evicted this server); registering again")]
    public static partial void LeaseLost(ILogger logger, string registry);

    [LoggerMessage(4007, LogLevel.Information, "Registered again to Registry at {Registry}")]
    public static partial void RegisteredAgain(ILogger logger, string registry);

    [LoggerMessage(4008, LogLevel.Warning, "Could not renew the lease with Registry at {Registry} ({Reason}); trying again at the next heartbeat")]
    public static partial void RenewFailed(ILogger logger, string registry, string reason);

    [LoggerMessage(4009, LogLevel.Error, "Registry at {Registry} refused the renewal: {Reason}")]
    public static partial void RenewRefused(ILogger logger, string registry, string reason);

    [LoggerMessage(4010, LogLevel.Warning, "Could not register again with Registry at {Registry} ({Reason}); trying again at the next heartbeat")]
    public static partial void RegisterAgainFailed(ILogger logger, string registry, string reason);

    [LoggerMessage(4011, LogLevel.Information, "Switched to Registry at {Registry}")]
    public static partial void SwitchedRegistry(ILogger logger, string registry);

    [LoggerMessage(4012, LogLevel.Warning, "Registry unreachable for {Duration}, {Attempts} attempts (last: {Registry}, {Reason}); still trying")]
    public static partial void RegistryStillUnreachable(ILogger logger, string duration, int attempts, string registry, string reason);

    [LoggerMessage(4013, LogLevel.Information, "Registry at {Registry} reached again after {Duration} ({Attempts} failed attempts)")]
    public static partial void RegistryReachedAgain(ILogger logger, string registry, string duration, int attempts);

    [LoggerMessage(4014, LogLevel.Information, "Registered '{Service}' at {Address}")]
    public static partial void RegisteredAddress(ILogger logger, string service, string address);

    [LoggerMessage(4015, LogLevel.Warning, "The app bound no HTTP address, so '{Service}' is not registered")]
    public static partial void NoAddresses(ILogger logger, string service);

    [LoggerMessage(4016, LogLevel.Warning, "The health checks report Unhealthy at start: '{Service}' stays out of the registry until they recover")]
    public static partial void StartingUnhealthy(ILogger logger, string service);

    [LoggerMessage(4017, LogLevel.Warning, "The health checks report Unhealthy: '{Service}' leaves the registry until they recover")]
    public static partial void Unhealthy(ILogger logger, string service);

    [LoggerMessage(4018, LogLevel.Information, "The health checks recovered: '{Service}' registers again")]
    public static partial void Recovered(ILogger logger, string service);

    [LoggerMessage(4019, LogLevel.Error, "'{Service}' is not registered: {Reason}")]
    public static partial void RegistrationFailed(ILogger logger, string service, string reason);

    [LoggerMessage(4020, LogLevel.Warning, "Cannot read the bound address '{Address}'; it is not registered")]
    public static partial void UnreadableAddress(ILogger logger, string address);
}
