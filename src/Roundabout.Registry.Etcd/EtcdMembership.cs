using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Roundabout.Registry.Membership;

namespace Roundabout.Registry.Etcd;

/// <summary>Creates the registry's membership backend on etcd.</summary>
public static class EtcdMembership
{
    /// <summary>The URI scheme of an etcd backend: <c>etcd://host:2379[,host:2379...]</c>.</summary>
    public const string Scheme = "etcd://";

    /// <summary>A backend on the etcd cluster the options name; dispose it to close its connections.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid; the message lists why.</exception>
    public static IMembershipBackend Create(EtcdMembershipOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(nameof(EtcdMembershipOptions), typeof(EtcdMembershipOptions), errors);
        }

        return new EtcdMembershipBackend(options, time, loggers.CreateLogger(typeof(EtcdMembershipBackend).FullName!));
    }

    /// <summary>
    /// Replaces the registry's membership backend with etcd. Pass it to <c>RegistryHost.Build</c>
    /// as its <c>configureServices</c>. The options are validated now, before anything starts.
    /// </summary>
    /// <exception cref="OptionsValidationException">The options are invalid; the message lists why.</exception>
    public static IServiceCollection AddEtcdMembership(this IServiceCollection services, EtcdMembershipOptions options)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(nameof(EtcdMembershipOptions), typeof(EtcdMembershipOptions), errors);
        }

        services.RemoveAll<IMembershipBackend>();
        services.AddSingleton(sp => Create(options, sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<ILoggerFactory>()));
        return services;
    }

    /// <summary>Parses <c>etcd://host:2379[,host:2379...]</c> into the members' addresses.</summary>
    /// <exception cref="FormatException">The text is not an etcd URI; the message says what is expected.</exception>
    public static IReadOnlyList<Contracts.EndpointAddress> ParseEndpoints(string text)
    {
        var trimmed = text.Trim();
        return trimmed.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            ? Contracts.EndpointAddress.ParseList(trimmed[Scheme.Length..].TrimEnd('/'))
            : throw new FormatException($"'{trimmed}' is not an etcd address; expected etcd://host:2379[,host:2379...]");
    }
}
