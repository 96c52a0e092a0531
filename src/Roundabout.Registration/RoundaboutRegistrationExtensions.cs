using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Roundabout.Registration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers an ASP.NET Core app in a Roundabout registry.</summary>
public static class RoundaboutRegistrationExtensions
{
    /// <summary>
    /// Registers the app under <paramref name="service"/> once it has started: every address it is
    /// bound to gets a lease, renewed in the background. While the app's health checks (from
    /// <c>AddHealthChecks</c>) report Unhealthy the app is out of the registry; on graceful
    /// shutdown it leaves before it stops taking requests.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public static IServiceCollection AddRoundaboutRegistration(this IServiceCollection services, string service, Action<RoundaboutRegistrationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new RoundaboutRegistrationOptions { Service = service };
        configure?.Invoke(options);
        options.Validate();
        services.AddSingleton(Options.Options.Create(options));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RegistrationService>();
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<RegistrationService>());
        return services;
    }
}
