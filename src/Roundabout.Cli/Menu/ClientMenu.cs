using Grpc.Core;
using Roundabout.Client;
using Roundabout.Contracts;

namespace Roundabout.Cli.Menu;

/// <summary>
/// The exercise's interactive menu, over any reader and writer (a terminal, piped stdin, a test).
/// Bad input at any prompt gets a clear message and the menu again; end of input exits with 0.
/// </summary>
public sealed class ClientMenu
{
    public const string Header = "--- Client MENU ---";
    public const string SumEntry = "1. Execute Stateless Sum (A + B)";
    public const string MultiplyEntry = "2. Execute Stateful Multiplication (GlobalAccumulator * Factor)";
    public const string ExitEntry = "3. Exit";
    public const string RefreshEntry = "4. Refresh server list";
    public const string Prompt = "[Client] Select an option: ";

    private readonly RoundaboutClient _client;
    private readonly IMenuConsole _console;

    public ClientMenu(RoundaboutClient client, TextReader input, TextWriter output)
        : this(client, new StreamMenuConsole(input, output))
    {
    }

    public ClientMenu(RoundaboutClient client, IMenuConsole console)
    {
        _client = client;
        _console = console;
    }

    /// <summary>Runs until Exit or end of input (0, both say "Exiting."), or until no registry answers at start (1).</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var servers = await _client.StartAsync(cancellationToken);
            await ReportServersAsync("Found", servers);
        }
        catch (RpcException ex)
        {
            await SayAsync($"Error: {ex.Status.Detail}");
            return 1;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            await ShowMenuAsync();
            var choice = await ReadAsync(Prompt, cancellationToken);
            if (choice is null)
            {
                // Ctrl-D ends the menu as option 3 does.
                await ExitAsync();
                return 0;
            }

            var keepGoing = choice.Trim().ToLowerInvariant() switch
            {
                "1" => await SumAsync(cancellationToken),
                "2" => await MultiplyAsync(cancellationToken),
                "3" or "exit" => await ExitAsync(),
                "4" or "refresh" => await RefreshAsync(cancellationToken),
                "" => await InvalidAsync("No option entered: type 1, 2, 3 or 4, then Enter."),
                var other => await InvalidAsync($"'{Shorten(other)}' is not an option: type 1, 2, 3 or 4, then Enter."),
            };
            if (!keepGoing)
            {
                return 0;
            }
        }

        return 0;
    }

    private async Task ShowMenuAsync()
    {
        await _console.WriteLineAsync(Header);
        await _console.WriteLineAsync(SumEntry);
        await _console.WriteLineAsync(MultiplyEntry);
        await _console.WriteLineAsync(ExitEntry);
        await _console.WriteLineAsync(RefreshEntry);
    }

    private async Task<bool> SumAsync(CancellationToken cancellationToken)
    {
        var a = await ReadNumberAsync("Enter A: ", "A", cancellationToken);
        if (a.Input is null)
        {
            return a.Valid;
        }

        var b = await ReadNumberAsync("Enter B: ", "B", cancellationToken);
        if (b.Input is null)
        {
            return b.Valid;
        }

        return await CallAsync(async () =>
        {
            var result = await _client.SumAsync(a.Input, b.Input, cancellationToken);
            await SayAsync($"Result: {result.Result} (computed by server {result.Server})");
        });
    }

    private async Task<bool> MultiplyAsync(CancellationToken cancellationToken)
    {
        var factor = await ReadNumberAsync("Enter Factor: ", "The factor", cancellationToken);
        if (factor.Input is null)
        {
            return factor.Valid;
        }

        return await CallAsync(async () =>
        {
            var result = await _client.MultiplyAsync(factor.Input, ServiceNames.GlobalAccumulator, cancellationToken);
            await SayAsync($"GlobalAccumulator is now {result.Result} (computed by server {result.Server})");
        });
    }

    private async Task<bool> RefreshAsync(CancellationToken cancellationToken) => await CallAsync(async () =>
    {
        var servers = await _client.RefreshAsync(cancellationToken);
        await ReportServersAsync("Refreshed: found", servers);
    });

    private async Task<bool> ExitAsync()
    {
        await SayAsync("Exiting.");
        return false;
    }

    private async Task<bool> InvalidAsync(string message)
    {
        await SayAsync($"Invalid input: {message}");
        return true;
    }

    /// <summary>Reads a number; Input is null when the input ended (Valid false: the menu has said it is exiting) or was invalid (Valid true: show the menu again).</summary>
    private async Task<(string? Input, bool Valid)> ReadNumberAsync(string prompt, string what, CancellationToken cancellationToken)
    {
        var line = await ReadAsync(prompt, cancellationToken);
        if (line is null)
        {
            return (null, await ExitAsync());
        }

        if (ExactInteger.TryParse(line, out _, out var error) != ParseOutcome.Ok)
        {
            await SayAsync($"Invalid input: {what}: {error}.");
            return (null, true);
        }

        return (line.Trim(), true);
    }

    private async Task<bool> CallAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (RpcException ex)
        {
            // No server answered: the menu can fetch the list again. A store's failure is not helped by that.
            var noServer = ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded && ex.Trailers.GetValue(FaultTrailers.Store) is null;
            await SayAsync($"Error: {ex.Status.Detail}" + (noServer ? " Then choose 4 to refresh the server list." : string.Empty));
        }

        return true;
    }

    private async Task ReportServersAsync(string verb, IReadOnlyList<ServerInfo> servers)
    {
        if (servers.Count == 0)
        {
            await SayAsync("Warning: " + "the registry lists no calculation servers yet. " +
                "Start one with 'roundabout server --port 9001', then choose 4 to refresh the list.");
            return;
        }

        await SayAsync($"{verb} {servers.Count} server(s) in the registry: {string.Join(", ", servers.Select(s => s.Address))}");
    }

    private async Task<string?> ReadAsync(string prompt, CancellationToken cancellationToken)
    {
        var line = await _console.ReadLineAsync(prompt, cancellationToken);
        return line is { Length: > ExactInteger.MaxDigits * 4 } ? line[..(ExactInteger.MaxDigits * 4)] + "..." : line;
    }

    private Task SayAsync(string message) => _console.WriteLineAsync($"[Client] {message}");

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..17] + "...";
}
