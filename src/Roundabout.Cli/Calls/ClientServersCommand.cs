using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Roundabout.Cli.ClientSetup;
using Roundabout.Cli.Commands;
using Roundabout.Cli.Terminal;
using Roundabout.Client;
using Roundabout.Contracts;
using Roundabout.Hosting;

namespace Roundabout.Cli.Calls;

/// <summary><c>roundabout servers [--service NAME | --all-services] [--watch] [--json]</c>: what the registry lists.</summary>
internal static class ClientServersCommand
{
    /// <summary>How often <c>--watch</c> reads the renewal times again: renewals are not events of the watch.</summary>
    private static readonly TimeSpan _renewalRefresh = TimeSpan.FromSeconds(1);

    public static Command Create(TimeProvider time)
    {
        var set = new ClientOptionSet();
        var json = CommonOptions.Json();
        var watch = new Option<bool>("--watch")
        {
            Description = "Keep following the registry: every join, leave and eviction with its time, and the list after it " +
                "(in a terminal the list stays at the bottom with its renewal times kept current). Ctrl-C stops.",
        };
        var service = new Option<string>("--service")
        {
            Description = "The service whose instances to list: the calculator's servers by default, or any name an app registered under.",
            DefaultValueFactory = _ => ServiceNames.Calculator,
        };
        var allServices = new Option<bool>("--all-services")
        {
            Description = "List every service the registry holds, with its instance and suspect counts, instead of one service's instances.",
        };
        var command = new Command("servers", "Lists the servers the registry knows: address, last renewal, whether the registry holds them as suspect.")
        {
            service, allServices, json, watch,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(allServices) && result.GetValue(watch))
            {
                result.AddError("--all-services and --watch cannot be combined: watch one service with --service NAME.");
            }

            if (result.GetValue(allServices) && result.GetResult(service) is { Implicit: false })
            {
                result.AddError("--all-services and --service cannot be combined: choose one.");
            }

            if (result.GetValue(service) is { } name && (string.IsNullOrWhiteSpace(name) || name.Contains('/', StringComparison.Ordinal)))
            {
                result.AddError($"--service '{name}' is not a service name: give the name an app registered under, such as orders (no '/').");
            }
        });
        command.Options.Add(set.Registry);
        set.Tls.AddTo(command);
        set.Log.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var console = LiveConsole.ForStandardOutput(readsKeys: false);
            var asJson = result.GetValue(json);
            var options = set.Build(result);
            options.Service = result.GetValue(service)!;
            return await ClientRun.RunAsync(options, set.Log.Read(result), async client =>
            {
                if (result.GetValue(allServices))
                {
                    var services = await client.ListServicesAsync(cancellationToken);
                    Console.WriteLine(asJson ? ClientJson.Of(services) : ServicesTable(services));
                    return 0;
                }

                if (!result.GetValue(watch))
                {
                    var servers = await client.ListServersAsync(cancellationToken);
                    Console.WriteLine(asJson ? ClientJson.Of(servers) : Table(servers, options.Service));
                    return 0;
                }

                using var stop = ClientRun.CancelOnCtrlC(cancellationToken);
                await new ServersWatch(client, console, asJson, time).RunAsync(stop.Token);
                return 0;
            }, asJson, logOutput: console.IsTerminal ? new LiveConsoleWriter(console) : null);
        });
        return command;
    }

    internal static string ServicesTable(IReadOnlyList<ServiceSummary> services)
    {
        if (services.Count == 0)
        {
            return "The registry holds no services. Start a server with 'roundabout server --port 9001', or an app that registers itself (docs/library.md).";
        }

        var width = Math.Max("SERVICE".Length, services.Max(s => s.Name.Length));
        var lines = new List<string> { $"{"SERVICE".PadRight(width)} {"INSTANCES",9} {"SUSPECT",7}" };
        lines.AddRange(services.Select(s => $"{s.Name.PadRight(width)} {s.Instances,9} {s.Suspect,7}"));
        return string.Join('\n', lines);
    }

    internal static string Table(IReadOnlyList<ServerInfo> servers, string service = ServiceNames.Calculator)
    {
        if (servers.Count == 0)
        {
            return service == ServiceNames.Calculator
                ? "No servers are registered. Start one with 'roundabout server --port 9001'."
                : $"No instances of '{service}' are registered. 'roundabout servers --all-services' lists the names the registry holds.";
        }

        var lines = new List<string> { $"{"ADDRESS",-24} {"LAST RENEWED (UTC)",-20} {"SUSPECT",-8} METADATA" };
        foreach (var server in servers)
        {
            var renewed = server.LastRenewedAt?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";
            var metadata = string.Join(",", server.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
            lines.Add($"{server.Address,-24} {renewed,-20} {(server.Suspect ? "yes" : "no"),-8} {metadata}".TrimEnd());
        }

        return string.Join('\n', lines);
    }

    /// <summary>
    /// Follows the watch stream. Each change prints a timestamped line; the list is printed after
    /// it, or, in a terminal, kept at the bottom and redrawn every second with the renewal times
    /// read again from the registry.
    /// </summary>
    private sealed class ServersWatch(RoundaboutClient client, LiveConsole console, bool asJson, TimeProvider time)
    {
        private readonly Lock _lock = new();
        private IReadOnlyList<ServerInfo> _members = [];
        private Dictionary<string, ServerInfo> _fresh = new(StringComparer.OrdinalIgnoreCase);

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            var refresh = console.IsTerminal && !asJson ? RefreshAsync(cancellationToken) : Task.CompletedTask;
            await client.WatchServersAsync(OnChange, cancellationToken);
            await refresh;
            console.CommitLive();
        }

        private void OnChange(IReadOnlyList<ServerInfo> servers, string change)
        {
            if (asJson)
            {
                console.WriteLine(ClientJson.Of(servers));
                return;
            }

            lock (_lock)
            {
                _members = servers;
                console.WriteLine(CliLogLine.Format(time, LogFormat.Text, "Client", "Roundabout.Client", LogLevel.Information, change));
                if (console.IsTerminal)
                {
                    console.SetLive(Table(Current()));
                }
                else
                {
                    console.WriteLine(Table(servers));
                }
            }
        }

        private async Task RefreshAsync(CancellationToken cancellationToken)
        {
            using var timer = new PeriodicTimer(_renewalRefresh);
            try
            {
                while (await timer.WaitForNextTickAsync(cancellationToken))
                {
                    try
                    {
                        var listed = await client.ListServersAsync(cancellationToken);
                        lock (_lock)
                        {
                            _fresh = listed.ToDictionary(s => s.Address, StringComparer.OrdinalIgnoreCase);
                            console.SetLive(Table(Current()));
                        }
                    }
                    catch (Grpc.Core.RpcException) when (!cancellationToken.IsCancellationRequested)
                    {
                        // The watch reports an unreachable registry itself; the times stay as they were.
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        /// <summary>The members the watch knows, with the renewal times and suspicion the registry listed last.</summary>
        private List<ServerInfo> Current() =>
            _members.Select(m => _fresh.TryGetValue(m.Address, out var f) ? m with { LastRenewedAt = f.LastRenewedAt, Suspect = f.Suspect } : m).ToList();
    }
}
