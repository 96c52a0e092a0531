using System.CommandLine;
using System.Globalization;
using Roundabout.Client;

namespace Roundabout.Cli.Commands;

/// <summary><c>roundabout servers [--watch] [--json]</c>: what the registry lists.</summary>
internal static class ClientServersCommand
{
    public static Command Create()
    {
        var set = new ClientOptionSet();
        var json = CommonOptions.Json();
        var watch = new Option<bool>("--watch") { Description = "Keep following the registry and print the list after every change (Ctrl-C stops)." };
        var command = new Command("servers", "Lists the servers the registry knows: address, last renewal, whether the registry holds them as suspect.")
        {
            json, watch,
        };
        command.Options.Add(set.Registry);
        set.Tls.AddTo(command);
        set.Log.AddTo(command);
        command.SetAction((result, cancellationToken) => ClientRun.RunAsync(set.Build(result), set.Log.Read(result), async client =>
        {
            var asJson = result.GetValue(json);
            if (!result.GetValue(watch))
            {
                Print(await client.ListServersAsync(cancellationToken), asJson);
                return 0;
            }

            using var stop = ClientRun.CancelOnCtrlC(cancellationToken);
            await client.WatchServersAsync(
                (servers, change) =>
                {
                    if (!asJson)
                    {
                        Console.WriteLine($"[Client] {change}");
                    }

                    Print(servers, asJson);
                },
                stop.Token);
            return 0;
        }, result.GetValue(json)));
        return command;
    }

    private static void Print(IReadOnlyList<ServerInfo> servers, bool asJson)
    {
        if (asJson)
        {
            Console.WriteLine(ClientJson.Of(servers));
            return;
        }

        if (servers.Count == 0)
        {
            Console.WriteLine("No servers are registered. Start one with 'roundabout server --port 9001'.");
            return;
        }

        Console.WriteLine($"{"ADDRESS",-24} {"LAST RENEWED (UTC)",-20} {"SUSPECT",-8} METADATA");
        foreach (var server in servers)
        {
            var renewed = server.LastRenewedAt?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";
            var metadata = string.Join(",", server.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
            Console.WriteLine($"{server.Address,-24} {renewed,-20} {(server.Suspect ? "yes" : "no"),-8} {metadata}");
        }
    }
}
