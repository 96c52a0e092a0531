using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using Roundabout.Contracts;
using Roundabout.Contracts.Security;
using Roundabout.Hosting;
using Roundabout.Registry;
using Roundabout.Registry.Etcd;

namespace Roundabout.Cli.Commands;

internal static class RegistryCommand
{
    public static Command Create(TimeProvider time)
    {
        var runner = new HostRunner(time);
        var port = CommonOptions.Port(DefaultPorts.Registry, "the registry");
        var listen = CommonOptions.Listen();
        var metricsPort = CommonOptions.MetricsPort("the registry");
        var ttl = DurationOption.Create("--ttl", [], TimeSpan.FromHours(1),
            "How long a server stays listed without renewing its lease, such as 3s or 500ms. " +
            "A killed server disappears this long after its last renewal. Default: 3s.");
        var renewInterval = DurationOption.Create("--renew-interval", [], TimeSpan.FromHours(1),
            "How often servers are told to renew, such as 1s; at most half the TTL. Default: TTL / 3.");
        var token = TokenOptions.Registry(
            "A shared secret that register, renew and deregister must carry (as 'authorization: Bearer <token>'); " +
            "reading the list stays open.");

        var backend = new Option<string>("--backend")
        {
            Description = "Where membership is kept: memory (this process alone, the default) or etcd://host:2379[,host:2379...] " +
                "(an etcd cluster; several registries on one etcd serve the same list, so any of them can die).",
            DefaultValueFactory = _ => "memory",
            Validators = { r => ValidateBackend(r) },
        };

        var watchesPerClient = NumberOption.Int("--max-watches-per-client", [], 1, 1_000, 100,
            "The most watches one client (one remote IP address) may hold open at once; past it a watch gets ResourceExhausted. " +
            "The registry holds 1000 in all.");
        var registrationRate = NumberOption.Int("--max-registrations-per-second", [], 1, 1_000_000, 50,
            "Registrations accepted per second from one client (one remote IP address), after a burst of --registration-burst; " +
            "more get ResourceExhausted, so a flood from one client does not slow everyone's lookups. Renewals are not counted.");
        var registrationBurst = NumberOption.Int("--registration-burst", [], 1, 1_000_000, 100,
            "Registrations one client may make at once before --max-registrations-per-second applies.");

        var log = LogOptions.ForComponent();
        var command = new Command("registry",
            "Runs the service registry (port 8000 by default): servers register with a lease and renew it; " +
            "servers that stop renewing are evicted. Listens on loopback only unless --listen says otherwise.")
        {
            port, listen, metricsPort, ttl, renewInterval, backend, watchesPerClient, registrationRate, registrationBurst,
        };
        token.AddTo(command);
        var tls = TlsOptions.ForHost();
        tls.AddTo(command);
        log.AddTo(command);
        command.SetAction((parse, _) => RunAsync(
            runner,
            log.Read(parse),
            () => new RegistryHostOptions
            {
                Port = parse.GetValue(port),
                MetricsPort = parse.GetValue(metricsPort),
                Listen = IPAddress.Parse(parse.GetValue(listen)!),
                Ttl = parse.GetValue(ttl) ?? TimeSpan.FromSeconds(3),
                RenewInterval = parse.GetValue(renewInterval),
                Token = token.Read(parse),
                Log = log.Read(parse),
                Tls = tls.BuildServer(parse),
                MaxWatchesPerClient = parse.GetValue(watchesPerClient),
                MaxRegistrationsPerSecond = parse.GetValue(registrationRate),
                RegistrationBurst = parse.GetValue(registrationBurst),
            },
            parse.GetValue(backend)!));
        return command;
    }

    private static Task<int> RunAsync(HostRunner runner, LogSettings log, Func<RegistryHostOptions> read, string backend)
    {
        RegistryHostOptions options;
        try
        {
            options = read();
        }
        catch (TlsFileException ex)
        {
            return Task.FromResult(runner.Fail("Registry", log, ex.Message));
        }

        var errors = options.Validate();
        if (errors.Count > 0)
        {
            return Task.FromResult(runner.Fail("Registry", options.Log, string.Join("; ", errors) + "."));
        }

        if (IsMemory(backend))
        {
            return runner.RunAsync("Registry", options.Port, options.Log, () => RegistryHost.Build(options), options.MetricsPort);
        }

        var etcd = new EtcdMembershipOptions { Endpoints = EtcdMembership.ParseEndpoints(backend), Ttl = options.Ttl };
        var etcdErrors = etcd.Validate();
        if (etcdErrors.Count > 0)
        {
            return Task.FromResult(runner.Fail("Registry", options.Log, string.Join("; ", etcdErrors) + "."));
        }

        return runner.RunAsync("Registry", options.Port, options.Log, () => RegistryHost.Build(options, services => services.AddEtcdMembership(etcd)), options.MetricsPort);
    }

    private static bool IsMemory(string backend) => backend.Trim().Equals("memory", StringComparison.OrdinalIgnoreCase);

    private static void ValidateBackend(OptionResult result)
    {
        var text = result.GetValueOrDefault<string>() ?? string.Empty;
        if (IsMemory(text))
        {
            return;
        }

        try
        {
            EtcdMembership.ParseEndpoints(text);
        }
        catch (FormatException ex)
        {
            result.AddError($"--backend takes memory or etcd://host:2379[,host:2379...]: {ex.Message}");
        }
    }
}
