using System.CommandLine;
using System.Net;
using Roundabout.Contracts;
using Roundabout.Dashboard;

namespace Roundabout.Cli.Commands;

/// <summary><c>roundabout dashboard</c>: the live web page of the system.</summary>
internal static class DashboardCommand
{
    public static Command Create(TimeProvider time)
    {
        var runner = new HostRunner(time);
        var port = CommonOptions.Port(DashboardOptions.DefaultPort, "the dashboard's web page");
        var listen = CommonOptions.Listen();
        var registry = CommonOptions.Registry();
        var database = CommonOptions.Database();
        var accumulator = new Option<string[]>("--accumulator")
        {
            Description = $"An accumulator to show even before it is found in the database (repeatable). When the servers keep the accumulators " +
                $"in Redis or etcd, these are the ones shown, read through a server. Default: {ServiceNames.GlobalAccumulator}.",
            AllowMultipleArgumentsPerToken = false,
            Validators =
            {
                r =>
                {
                    foreach (var name in r.GetValueOrDefault<string[]>() ?? [])
                    {
                        if (!DashboardOptions.IsValidAccumulatorName(name))
                        {
                            r.AddError($"--accumulator takes a name of 1 to 64 letters, digits, '-', '_' or '.'; got '{name}'.");
                        }
                    }
                },
            },
        };
        var maxEventStreams = NumberOption.Int(
            "--max-event-streams",
            [],
            1,
            100_000,
            DashboardOptions.DefaultMaxEventStreams,
            $"The most open pages (live event streams) served at once; one more is answered 503 with Retry-After.");
        var metricsHosts = new Option<string[]>("--metrics-hosts")
        {
            Description = "Hosts, besides each server's own, on which the dashboard reads the metrics a server advertises (metadata metrics=host:port); " +
                "repeatable or comma-separated. An endpoint elsewhere is shown, marked, and not fetched: anyone who can register can write metadata.",
            AllowMultipleArgumentsPerToken = false,
            Validators =
            {
                r =>
                {
                    foreach (var host in SplitHosts(r.GetValueOrDefault<string[]>()))
                    {
                        if (!EndpointAddress.TryParse($"{host}:1", out _, out _))
                        {
                            r.AddError($"--metrics-hosts takes host names or IP addresses, separated by commas; got '{host}'.");
                        }
                    }
                },
            },
        };
        var command = new Command("dashboard", "Serves a live web page of the system (port 8080 by default): the servers the registry lists with their " +
            "health, renewals and request rates, a timeline of joins, leaves and evictions, and the accumulators. Open the URL it prints in a browser.")
        {
            port, listen, registry, database, accumulator, maxEventStreams, metricsHosts,
        };
        var databaseToken = TokenOptions.DatabaseClient(
            "The database's shared token, sent on every call the accumulators panel makes to the database; " +
            "needed when the database runs with --token (which reads the same variable).");
        databaseToken.AddTo(command);
        var tls = TlsOptions.ForClient("the registry, the database and the servers");
        tls.AddTo(command);
        var log = LogOptions.ForComponent();
        log.AddTo(command);
        command.SetAction((result, _) =>
        {
            var named = result.GetValue(accumulator) is { Length: > 0 } names ? names : [ServiceNames.GlobalAccumulator];
            var options = new DashboardOptions
            {
                Port = result.GetValue(port),
                Listen = IPAddress.Parse(result.GetValue(listen)!),
                Registries = EndpointAddress.ParseList(result.GetValue(registry)),
                Database = EndpointAddress.Parse(result.GetValue(database)),
                DatabaseToken = databaseToken.Read(result),
                MaxEventStreams = result.GetValue(maxEventStreams),
                MetricsHosts = SplitHosts(result.GetValue(metricsHosts)).Select(h => EndpointAddress.Parse($"{h}:1").Host).ToArray(),

                // A database the operator named is read whatever the servers advertise.
                FollowServerStore = result.GetResult(database) is null or { Implicit: true },
                Accumulators = named.Distinct(StringComparer.Ordinal).ToArray(),
                Tls = tls.BuildClient(result),
                Log = log.Read(result),
            };
            return runner.RunAsync("Dashboard", options.Port, options.Log, () => DashboardHost.Build(options));
        });
        return command;
    }

    private static IEnumerable<string> SplitHosts(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
