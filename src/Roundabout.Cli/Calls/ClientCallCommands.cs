using System.CommandLine;
using Roundabout.Cli.ClientSetup;
using Roundabout.Cli.Commands;
using Roundabout.Client;
using Roundabout.Contracts;

namespace Roundabout.Cli.Calls;

/// <summary>One call each, for scripts: sum, multiply, accumulator, reset.</summary>
internal static class ClientCallCommands
{
    public static IEnumerable<Command> Create() => [Sum(), Multiply(), Accumulator(), Reset()];

    private static Command Sum()
    {
        var set = new ClientOptionSet();
        var json = CommonOptions.Json();
        var a = new Argument<string>("A") { Description = "A whole number, for example 2 (below 2^4096 in magnitude)." };
        var b = new Argument<string>("B") { Description = "A whole number, for example 3." };
        var command = new Command("sum", "Computes A + B on one server and prints the result and the server.") { a, b, json };
        set.AddTo(command);
        command.SetAction((result, cancellationToken) => ClientRun.RunAsync(set.Build(result), set.Log.Read(result), async client =>
        {
            var reply = await client.SumAsync(result.GetValue(a)!, result.GetValue(b)!, cancellationToken);
            Console.WriteLine(result.GetValue(json) ? ClientJson.Of(reply) : $"{reply.Result} (server {reply.Server})");
            return 0;
        }, result.GetValue(json)));
        return command;
    }

    private static Command Multiply()
    {
        var set = new ClientOptionSet();
        var json = CommonOptions.Json();
        var name = NameOption();
        var factor = new Argument<string>("FACTOR") { Description = "A whole number to multiply the accumulator by." };
        var requestId = new Option<string?>("--request-id")
        {
            Description = "Your own request id (1 to 64 letters, digits, '-', '_' or '.'): the same id sent again, by any process, returns the first " +
                "result and applies nothing, for 10 minutes. Without it, the multiply is the next call of this command's client session.",
            Validators = { r => { if (r.GetValueOrDefault<string?>() is { } id && !AccumulatorKeys.IsValidRequestId(id)) { r.AddError("--request-id takes 1 to 64 letters, digits, '-', '_' or '.', for example order-17."); } } },
        };
        var command = new Command(
            "multiply",
            "Multiplies an accumulator (the global one by default) by FACTOR on one server and prints the new value. " +
            "Retries, on any server, reuse the call's session sequence (or --request-id), so the multiplication is applied once.")
        {
            factor, name, requestId, json,
        };
        set.AddTo(command);
        command.SetAction((result, cancellationToken) => ClientRun.RunAsync(set.Build(result), set.Log.Read(result), async client =>
        {
            var reply = result.GetValue(requestId) is { } id
                ? await client.MultiplyAsync(result.GetValue(factor)!, result.GetValue(name), id, cancellationToken)
                : await client.MultiplyAsync(result.GetValue(factor)!, result.GetValue(name), cancellationToken);
            Console.WriteLine(result.GetValue(json)
                ? ClientJson.Of(reply)
                : $"{reply.Result} (accumulator {reply.Name}, server {reply.Server}{(reply.Replayed ? ", already applied: the first result, nothing applied again" : string.Empty)})");
            return 0;
        }, result.GetValue(json), $"Once it is back, see the value with '{AccumulatorCommand(result.GetValue(name))}' before multiplying again."));
        return command;
    }

    private static Command Accumulator()
    {
        var set = new ClientOptionSet();
        var json = CommonOptions.Json();
        var name = NameOption();
        var command = new Command("accumulator", "Prints the value of an accumulator (the global one by default).") { name, json };
        set.AddTo(command);
        command.SetAction((result, cancellationToken) => ClientRun.RunAsync(set.Build(result), set.Log.Read(result), async client =>
        {
            var reply = await client.GetAccumulatorAsync(result.GetValue(name), cancellationToken);
            Console.WriteLine(result.GetValue(json) ? ClientJson.Of(reply) : $"{reply.Value} (accumulator {reply.Name}, server {reply.Server})");
            return 0;
        }, result.GetValue(json)));
        return command;
    }

    private static Command Reset()
    {
        var set = new ClientOptionSet();
        var json = CommonOptions.Json();
        var name = NameOption();
        var command = new Command("reset", "Sets an accumulator (the global one by default) back to 1.") { name, json };
        set.AddTo(command);
        command.SetAction((result, cancellationToken) => ClientRun.RunAsync(set.Build(result), set.Log.Read(result), async client =>
        {
            var reply = await client.ResetAsync(result.GetValue(name), cancellationToken);
            Console.WriteLine(result.GetValue(json) ? ClientJson.Of(reply) : $"{reply.Value} (accumulator {reply.Name} reset, server {reply.Server})");
            return 0;
        }, result.GetValue(json)));
        return command;
    }

    private static string AccumulatorCommand(string? name) =>
        name is null ? "roundabout accumulator" : $"roundabout accumulator --name {name}";

    private static Option<string?> NameOption() => new("--name")
    {
        Description = $"The accumulator's name. Default: {ServiceNames.GlobalAccumulator}, the exercise's GlobalAccumulator.",
        Validators = { r => { if (!AccumulatorKeys.IsValidName(r.GetValueOrDefault<string?>() ?? string.Empty)) { r.AddError("--name takes 1 to 64 letters, digits, '-', '_' or '.', for example mine."); } } },
    };
}
