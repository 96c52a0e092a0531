using Grpc.Core;
using Roundabout.Cli.Commands;
using Roundabout.Client;
using Roundabout.Contracts;
using Roundabout.Hosting;

namespace Roundabout.Cli.ClientSetup;

/// <summary>
/// Runs one client command: a failure becomes a message on stderr and exit code 1 (2 for invalid
/// settings), never a stack trace. With <c>--json</c> the message is a JSON object, still on stderr.
/// </summary>
internal static class ClientRun
{
    /// <param name="options">The client's settings.</param>
    /// <param name="log">The log format and level.</param>
    /// <param name="body">The command; returns the exit code.</param>
    /// <param name="json">Print a failure as JSON.</param>
    /// <param name="afterStoreFault">What a one-shot user can do when the shared store was down (the outcome is unknown), appended to that error.</param>
    /// <param name="logOutput">Where the client's log lines go; stderr when null.</param>
    public static async Task<int> RunAsync(RoundaboutClientOptions options, LogSettings log, Func<RoundaboutClient, Task<int>> body, bool json = false, string? afterStoreFault = null, TextWriter? logOutput = null)
    {
        try
        {
            // Disposed last, after the client: that flushes every span of the command to the collector.
            using var telemetry = ClientTelemetrySetup.StartIfConfigured();
            using var loggerFactory = ClientOptionSet.CreateLoggerFactory(log, logOutput);
            await using var client = RoundaboutClient.Create(options, loggerFactory);
            return await body(client);
        }
        catch (RpcException ex)
        {
            var store = ex.Trailers.GetValue(FaultTrailers.Store);
            // An outage leaves a write's outcome unknown; a refusal (disk full) applied nothing.
            var unknown = store is not null && ex.StatusCode == StatusCode.Unavailable && afterStoreFault is not null;
            var message = unknown ? $"{ex.Status.Detail} {afterStoreFault}" : ex.Status.Detail;
            await WriteErrorAsync(json, message, ex.StatusCode.ToString(), store);
            return 1;
        }
        catch (ArgumentException ex)
        {
            await WriteErrorAsync(json, ex.Message, "InvalidSetting", store: null);
            return 2;
        }
    }

    private static async Task WriteErrorAsync(bool json, string message, string code, string? store)
    {
        if (!json)
        {
            await Console.Error.WriteLineAsync($"Error: {message}");
            return;
        }

        await Console.Error.WriteLineAsync(ClientJson.Write(w =>
        {
            w.WriteStartObject("error");
            w.WriteString("code", code);
            w.WriteString("message", message);
            if (store is not null)
            {
                w.WriteString("store", store);
            }

            w.WriteEndObject();
        }));
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
