using System.CommandLine;
using System.Globalization;
using Roundabout.Client;
using Roundabout.Cli.Bench;

namespace Roundabout.Cli.Commands;

/// <summary><c>roundabout bench</c>: load through the same client library the menu uses.</summary>
internal static class BenchCommand
{
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
        var concurrency = new Option<int>("--concurrency", "-c")
        {
            Description = "Calls in flight at once.",
            DefaultValueFactory = _ => 16,
            Validators = { r => { if (r.GetValueOrDefault<int>() is < 1 or > BenchOptions.MaxConcurrency) { r.AddError($"--concurrency must be from 1 to {BenchOptions.MaxConcurrency}."); } } },
        };
        var duration = new Option<string?>("--duration", "-d") { Description = "Run for this long, for example 10s (at most 1h)." };
        var requests = new Option<long?>("--requests", "-n") { Description = $"Run this many calls in all (at most {BenchOptions.MaxRequests})." };
        var name = new Option<string>("--name") { Description = "The accumulator multiply uses, kept apart from the global one.", DefaultValueFactory = _ => "bench" };
        var factor = new Option<string>("--factor") { Description = "The factor multiply uses; 1 keeps the value below the cap however long the run.", DefaultValueFactory = _ => "1" };

        var command = new Command(
            "bench",
            "Load tool: sends calls at a fixed concurrency for a duration or a number of requests, balanced like the client, " +
            "then prints throughput, latency p50/p90/p99/max, requests per server and errors by status code.")
        {
            op, concurrency, duration, requests, name, factor, json,
        };
        set.AddTo(command);
        command.Validators.Add(r =>
        {
            var hasDuration = r.GetValue(duration) is not null;
            var hasRequests = r.GetValue(requests) is not null;
            if (hasDuration == hasRequests)
            {
                r.AddError("Give either --duration (for example 10s) or --requests (for example 20000).");
            }
            else if (hasDuration && (!DurationText.TryParse(r.GetValue(duration), out var d) || d > BenchOptions.MaxDuration))
            {
                r.AddError("--duration takes a duration up to 1h, such as 10s or 2m.");
            }
            else if (r.GetValue(requests) is { } n && n is < 1 or > BenchOptions.MaxRequests)
            {
                r.AddError($"--requests must be from 1 to {BenchOptions.MaxRequests}.");
            }
        });
        command.SetAction((result, cancellationToken) => ClientRun.RunAsync(set.Build(result), async client =>
        {
            var runFor = DurationText.ParseOrNull(result.GetValue(duration));
            var options = new BenchOptions
            {
                Operation = ParseOperation(result.GetValue(op)) ?? BenchOperation.Sum,
                Concurrency = result.GetValue(concurrency),
                Duration = runFor,
                Requests = result.GetValue(requests),
                AccumulatorName = result.GetValue(name)!,
                Factor = result.GetValue(factor)!,
            };
            var live = !Console.IsOutputRedirected;
            using var stop = ClientRun.CancelOnCtrlC(cancellationToken);
            var report = await BenchRunner.RunAsync(client, options, live ? ShowProgress : null, cancellationToken: stop.Token);
            if (live)
            {
                Console.Write("\r" + new string(' ', 78) + "\r");
            }

            Console.WriteLine(result.GetValue(json) ? report.ToJson() : report.ToText());
            return report.Errors == 0 ? 0 : 1;
        }));
        return command;
    }

    private static void ShowProgress(BenchProgress progress) =>
        Console.Write(string.Create(
            CultureInfo.InvariantCulture,
            $"\r[Client] {progress.Elapsed.TotalSeconds,6:0.0} s  {progress.Completed,9} requests  {progress.Errors,6} errors  {progress.Rps,9:0.0} req/s"));

    private static BenchOperation? ParseOperation(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "sum" => BenchOperation.Sum,
        "multiply" => BenchOperation.Multiply,
        _ => null,
    };
}
