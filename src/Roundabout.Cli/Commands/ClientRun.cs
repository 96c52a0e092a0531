using Grpc.Core;
using Roundabout.Client;

namespace Roundabout.Cli.Commands;

/// <summary>Runs one client command: a failure becomes a message on stderr and exit code 1, never a stack trace.</summary>
internal static class ClientRun
{
    public static async Task<int> RunAsync(RoundaboutClientOptions options, Func<RoundaboutClient, Task<int>> body)
    {
        try
        {
            using var loggerFactory = ClientOptionSet.CreateLoggerFactory();
            await using var client = RoundaboutClient.Create(options, loggerFactory);
            return await body(client);
        }
        catch (RpcException ex)
        {
            await Console.Error.WriteLineAsync($"Error: {ex.Status.Detail}");
            return 1;
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"Error: {ex.Message}");
            return 2;
        }
    }

    /// <summary>A token cancelled by Ctrl-C, for commands that run until stopped.</summary>
    public static CancellationTokenSource CancelOnCtrlC(CancellationToken outer)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            try
            {
                cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        };
        return cts;
    }
}
