using Microsoft.AspNetCore.Http;

namespace Roundabout.Hosting.Telemetry;

/// <summary>
/// Every server renews its lease about once a second: traced, each renewal would be a trace of its
/// own (the server's call and the registry's span under it), burying the calculation traces. So
/// renewals are left out, on both ends, unless <see cref="Variable"/> asks for them.
/// </summary>
public static class RenewalTracing
{
    /// <summary>Set to <c>true</c> (or 1, yes, on) to trace lease renewals as well.</summary>
    public const string Variable = "ROUNDABOUT_TRACE_RENEWALS";

    /// <summary>The gRPC path of a renewal (the registry's Renew).</summary>
    public const string RenewPath = "/roundabout.registry.v1.Registry/Renew";

    /// <summary>What the environment asks; off when the variable is unset or empty.</summary>
    /// <exception cref="ArgumentException">The variable holds something other than a flag.</exception>
    public static bool FromEnvironment() => Parse(Environment.GetEnvironmentVariable(Variable));

    /// <summary>A flag as the variable gives it: true, 1, yes or on; false, 0, no, off, or nothing.</summary>
    /// <exception cref="ArgumentException">Anything else, with what to do about it.</exception>
    public static bool Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "false" or "0" or "no" or "off" => false,
        "true" or "1" or "yes" or "on" => true,
        _ => throw new ArgumentException($"{Variable} takes true or false (or 1 or 0); got '{value}'. Fix or unset {Variable}."),
    };

    /// <summary>True for a renewal served (the registry's side).</summary>
    internal static bool IsRenewal(HttpContext context) => context.Request.Path.Equals(RenewPath, StringComparison.Ordinal);

    /// <summary>True for a renewal served by a host that does not trace renewals (its own <see cref="Choice"/>).</summary>
    internal static bool LeftOut(HttpContext context) =>
        IsRenewal(context) && context.RequestServices.GetService(typeof(Choice)) is not Choice { TraceRenewals: true };

    /// <summary>One host's choice, in its own services.</summary>
    internal sealed record Choice(bool TraceRenewals);
}
