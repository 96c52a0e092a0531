using System.CommandLine;
using System.Globalization;
using Roundabout.Cli.Bench;
using Roundabout.Cli.ClientSetup;
using Roundabout.Cli.Commands;
using Roundabout.Cli.Terminal;
using Roundabout.Client;
using Roundabout.Contracts;

namespace Roundabout.Cli.Bench;

/// <summary><c>roundabout bench</c>: load through the same client library the menu uses.</summary>
internal static class BenchCommand
{
    /// <summary>The exit code of a run stopped by Ctrl-C, as a shell reports a process ended by SIGINT.</summary>
    public const int InterruptedExitCode = 130;

    private static readonly TimeSpan PlainProgressInterval = TimeSpan.FromSeconds(5);

    public static Command Create()
    {
        var set = new ClientOptionSet();
        var json = CommonOptions.Json();
        var op = new Option<string>("--op")
        {
            Description = "The call to send: sum or multiply (multiply uses --factor on the accumulator --name).",
            DefaultValueFactory = _ => "sum",
            Validators = { r => { if (ParseOperation(r.GetValueOrDefault<string>()) is null) { r.AddError("--op takes sum or multiply."); } } },
        };
        var concurrency = NumberOption.Int("--concurrency", ["-c"], 1, BenchOptions.MaxConcurrency, 16, "Calls in flight at once.");
        var rps = NumberOption.OptionalInt(
            "--rps",
            [],
            1,
            BenchOptions.MaxRate,
            "Open loop: start this many calls per second, each at its planned time whatever the latency, and time each from its planned start " +
            "(without it: a closed loop of --concurrency workers, the default). Reports p50/p99/p99.9/max and the share that succeeded within --timeout.");
        var timeout = DurationOption.Create("--timeout", [], TimeSpan.FromHours(1),
            "With --rps: a call succeeds only if it answers within this time of its planned start; it is also each call's deadline (instead of --deadline). Default: 1s.");
        var duration = DurationOption.Create("--duration", ["-d"], BenchOptions.MaxDuration, "Run for this long, for example 10s (at most 1h).");
        var requests = NumberOption.OptionalLong("--requests", ["-n"], 1, BenchOptions.MaxRequests, $"Run this many calls in all (at most {BenchOptions.MaxRequests}).");
        var name = new Option<string>("--name")
        {
            Description = "The accumulator multiply uses, kept apart from the global one.",
            DefaultValueFactory = _ => "bench",
            Validators = { r => { if (!AccumulatorKeys.IsValidName(r.GetValueOrDefault<string>() ?? string.Empty)) { r.AddError("--name takes 1 to 64 letters, digits, '-', '_' or '.', for example bench."); } } },
        };
        var factor = new Option<string>("--factor")
        {
            Description = "The factor multiply uses; 1 keeps the value below the cap however long the run.",
            DefaultValueFactory = _ => "1",
            Validators = { r => { if (ExactInteger.TryParse(r.GetValueOrDefault<string>(), out _, out var error) != ParseOutcome.Ok) { r.AddError($"--factor takes a whole number such as 2: {error}."); } } },
        };

        var command = new Command(
            "bench",
            "Load tool: sends calls at a fixed concurrency (closed loop), or at a fixed rate with --rps (open loop), for a duration or a number of requests, " +
            "balanced like the client, then prints throughput, latency percentiles, requests per server and errors by status code.")
        {
            op, concurrency, rps, timeout, duration, requests, name, factor, json,
        };
        set.AddTo(command);
        OptionConflicts.Exclusive(duration, requests);
        command.Validators.Add(r =>
        {
            if (r.GetResult(rps) is { Implicit: false } && r.GetResult(concurrency) is { Implicit: false })
            {
                r.AddError("Give either --rps (open loop: the rate sets the load) or --concurrency (closed loop), not both.");
            }

            // Given, even with a value that does not parse (that error is the parser's to report).
            var hasDuration = r.GetResult(duration) is { Implicit: false };
            var hasRequests = r.GetResult(requests) is { Implicit: false };
            if (hasDuration == hasRequests)
            {
                r.AddError("Give either --duration (for example 10s) or --requests (for example 20000).");
            }
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            // Progress and the client's warnings go to stderr, so stdout carries only the report (or its JSON).
            var progress = LiveConsole.ForStandardError();
            var clientOptions = set.Build(result);
            var rate = result.GetValue(rps);
            var callTimeout = result.GetValue(timeout) ?? TimeSpan.FromSeconds(1);
            if (rate is not null)
            {
                // A call that cannot succeed in time is given up then, as the open loop counts it.
                clientOptions.Deadline = callTimeout;
            }

            return await ClientRun.RunAsync(clientOptions, set.Log.Read(result), async client =>
            {
                var runFor = result.GetValue(duration);
                var options = new BenchOptions
                {
                    Operation = ParseOperation(result.GetValue(op)) ?? BenchOperation.Sum,
                    Concurrency = result.GetValue(concurrency),
                    Rate = rate,
                    Timeout = callTimeout,
                    Duration = runFor,
                    Requests = result.GetValue(requests),
                    AccumulatorName = result.GetValue(name)!,
                    Factor = result.GetValue(factor)!,
                    // Redrawn in place every second in a terminal; as plain lines, fewer of them.
                    ProgressInterval = progress.IsTerminal ? TimeSpan.FromSeconds(1) : PlainProgressInterval,
                };
                using var stop = ClientRun.CancelOnCtrlC(cancellationToken);
                var report = rate is null
                    ? await BenchRunner.RunAsync(client, options, p => ShowProgress(progress, p), cancellationToken: stop.Token)
                    : await OpenLoopRunner.RunAsync(client, options, p => ShowProgress(progress, p), cancellationToken: stop.Token);
                progress.ClearLive();
                report = report with { Policy = ClientOptionSet.PolicyName(clientOptions.Policy) };
                Console.WriteLine(result.GetValue(json) ? report.ToJson() : report.ToText());
                return report.Interrupted ? InterruptedExitCode : report.Errors == 0 ? 0 : 1;
            }, result.GetValue(json), logOutput: progress.IsTerminal ? new LiveConsoleWriter(progress) : null);
        });
        return command;
    }

    private static void ShowProgress(LiveConsole console, BenchProgress progress)
    {
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"[Client] {progress.Elapsed.TotalSeconds,6:0.0} s  {progress.Completed,9} requests  {progress.Errors,6} errors  {progress.Rps,9:0.0} req/s");
        if (console.IsTerminal)
        {
            console.SetLive(line);
        }
        else
        {
            console.WriteLine(line);
        }
    }

    private static BenchOperation? ParseOperation(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "sum" => BenchOperation.Sum,
        "multiply" => BenchOperation.Multiply,
        _ => null,
    };
}
