using System.CommandLine;
using Roundabout.Cli.ClientSetup;
using Roundabout.Cli.Commands;
using Roundabout.Cli.Launch;
using Roundabout.Contracts;

namespace Roundabout.Cli.Verify;

/// <summary>roundabout verify: a consistency check a learner can run on their own cluster.</summary>
internal static class VerifyCommand
{
    public static Command Create(TimeProvider time)
    {
        var set = new ClientOptionSet();
        var json = CommonOptions.Json();
        var name = new Option<string?>("--name")
        {
            Description = "The accumulator to use; a fresh one (verify-<random>) by default. It is reset to 1 first.",
            Validators = { r => { if (r.GetValueOrDefault<string?>() is { } n && !AccumulatorKeys.IsValidName(n)) { r.AddError("--name takes 1 to 64 letters, digits, '-', '_' or '.', for example verify-1."); } } },
        };
        var count = NumberOption.Int("--count", ["-n"], 1, VerifyRunner.MaxCount, 200, $"How many multiplies, each by the next prime (at most {VerifyRunner.MaxCount}, so the product stays below 2^4096).");
        var concurrency = NumberOption.Int("--concurrency", ["-c"], 1, 256, 8, "How many multiplies run at once.");
        var duration = DurationOption.Create("--duration", ["-d"], DurationText.Max,
            "Stop sending new multiplies after this long, for example 10s; the check covers those sent.");
        var history = new Option<string?>("--history")
        {
            Description = "Write every multiply's outcome to this file (JSON lines). Without it, the history is kept in <name>-history.jsonl only when the check fails.",
        };
        var chaos = new Option<bool>("--chaos")
        {
            Description = "Start a cluster of its own on free ports (registry, durable database, 3 servers) and, during the run, kill -9, " +
                "restart and pause its servers and database on a schedule chosen by --seed, printing each fault. --registry is not used then.",
        };
        var seed = NumberOption.Int("--seed", [], 0, int.MaxValue, 0, "The seed of the chaos schedule (0: a random one, printed so the run can be repeated).");
        var unsafeRun = new Option<bool>("--unsafe")
        {
            Description = "With --chaos: run the same check on servers started with --unsafe-multiply first, then on normal servers, to compare.",
        };
        var registryPort = ChaosPortOption("--registry-port", "the registry");
        var databasePort = ChaosPortOption("--database-port", "the database");
        var firstServerPort = ChaosPortOption("--first-server-port", $"the first of its {ChaosCluster.ServerCount} servers (the others take the next ports)");
        var command = new Command(
            "verify",
            "Checks that the accumulator keeps its promise on a running cluster: multiplies a fresh accumulator by distinct primes " +
            "through the normal client, records every outcome, then factors the final value. Every acknowledged multiply must be " +
            "applied exactly once, every one whose outcome is unknown at most once, and nothing else. Exits 1 on any anomaly.")
        {
            name, count, concurrency, duration, history, json, chaos, seed, unsafeRun, registryPort, databasePort, firstServerPort,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(unsafeRun) && !r.GetValue(chaos))
            {
                r.AddError("--unsafe goes with --chaos; to check racy servers you started yourself, run verify against them.");
            }

            if (!r.GetValue(chaos) && new Option[] { registryPort, databasePort, firstServerPort }.FirstOrDefault(o => r.GetResult(o) is { Implicit: false }) is { } port)
            {
                r.AddError($"{port.Name} goes with --chaos, which starts a cluster of its own; to check your own cluster, give its registry with --registry.");
            }
        });
        set.AddTo(command);
        command.Validators.Add(r =>
        {
            if (r.GetValue(chaos) && (r.GetValue(set.Tls.Ca!) is not null || r.GetValue(set.Tls.Certificate) is not null))
            {
                r.AddError("--chaos starts a cluster of its own in cleartext, so --tls-ca, --tls-cert and --tls-key do not apply; drop them, or drop --chaos to check your own cluster.");
            }
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            var options = new VerifyOptions(
                result.GetValue(name) ?? "verify-" + Guid.NewGuid().ToString("N")[..8],
                result.GetValue(count),
                result.GetValue(concurrency),
                result.GetValue(duration));
            var clientOptions = set.Build(result);
            var log = set.Log.Read(result);
            var asJson = result.GetValue(json);
            var historyOption = result.GetValue(history);
            using var stop = ClientRun.CancelOnCtrlC(cancellationToken);
            if (!result.GetValue(chaos))
            {
                return await ClientRun.RunAsync(clientOptions, log, client => CheckAsync(client, options, time, historyOption, asJson, stop.Token));
            }

            var ports = new ChaosPorts(result.GetValue(registryPort), result.GetValue(databasePort), result.GetValue(firstServerPort));
            var chosenSeed = result.GetValue(seed) is > 0 and var s ? s : Random.Shared.Next(1, int.MaxValue);
            var runFor = options.Duration ?? TimeSpan.FromSeconds(15);
            options = options with { Duration = null, Pace = runFor * options.Concurrency / options.Count };
            if (result.GetValue(unsafeRun))
            {
                Console.Error.WriteLine($"[Chaos] first on servers with --unsafe-multiply (seed {chosenSeed})");
                var racy = await RunChaosAsync(clientOptions, log, options with { Name = options.Name + "-unsafe" }, new ChaosRun(chosenSeed, ports, time), unsafeMultiply: true, historyOption is null ? null : historyOption + ".unsafe", asJson, stop.Token);
                Console.Error.WriteLine(racy == 0
                    ? "[Chaos] the racy servers happened to lose nothing this time; run again, or with more --concurrency"
                    : "[Chaos] the racy servers broke the promise, as expected; now the same on normal servers");
            }

            return await RunChaosAsync(clientOptions, log, options, new ChaosRun(chosenSeed, ports, time), unsafeMultiply: false, historyOption, asJson, stop.Token);
        });
        return command;
    }

    /// <summary>Up's names for its port options, none by default: the chaos cluster takes free ports unless told.</summary>
    private static Option<int?> ChaosPortOption(string name, string what) =>
        NumberOption.OptionalInt(name, [], 1, 65535, $"With --chaos: the port of {what}. A free one unless given.");

    private sealed record ChaosRun(int Seed, ChaosPorts Ports, TimeProvider Time);

    private static async Task<int> RunChaosAsync(Client.RoundaboutClientOptions clientOptions, Hosting.LogSettings log, VerifyOptions options, ChaosRun run, bool unsafeMultiply, string? history, bool json, CancellationToken cancellationToken)
    {
        var where = run.Ports == new ChaosPorts() ? "on free ports" : "on the ports given (free ones for the rest)";
        Console.Error.WriteLine($"[Chaos] starting a registry, a durable database and {ChaosCluster.ServerCount} servers{(unsafeMultiply ? " with --unsafe-multiply" : string.Empty)} {where} (seed {run.Seed})");
        ChaosCluster started;
        try
        {
            started = await ChaosCluster.StartAsync(TextWriter.Null, unsafeMultiply, run.Ports, run.Time, cancellationToken);
        }
        catch (LaunchFailedException ex)
        {
            Console.Error.WriteLine($"[Chaos] the cluster did not start: {ex.Message}");
            return 1;
        }

        await using var cluster = started;
        clientOptions.Registries = [cluster.RegistryAddress];
        using var faultsDone = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var faults = Task.CompletedTask;
        try
        {
            return await ClientRun.RunAsync(clientOptions, log, async client =>
            {
                var (records, final, verdict) = await new VerifyRunner(client, options, run.Time).RunAsync(
                    cancellationToken,
                    beforeCheck: async () =>
                    {
                        await faultsDone.CancelAsync();
                        await faults;
                    },
                    afterReset: () => faults = new ChaosSchedule(cluster, run.Seed, Console.Error, run.Time).RunAsync(faultsDone.Token));
                return await VerifyReport.WriteAsync(options, records, final, verdict, history, json, cancellationToken);
            });
        }
        finally
        {
            await faultsDone.CancelAsync();
            await faults;
        }
    }

    private static async Task<int> CheckAsync(Client.RoundaboutClient client, VerifyOptions options, TimeProvider time, string? history, bool json, CancellationToken cancellationToken)
    {
        var (records, final, verdict) = await new VerifyRunner(client, options, time).RunAsync(cancellationToken);
        return await VerifyReport.WriteAsync(options, records, final, verdict, history, json, cancellationToken);
    }
}
