using Microsoft.Extensions.Logging;
using Roundabout.Cli.ClientSetup;
using Roundabout.Cli.Launch;
using Roundabout.Cli.Menu;
using Roundabout.Cli.Terminal;
using Roundabout.Client;
using Roundabout.Contracts;
using Roundabout.Contracts.Security;

namespace Roundabout.Cli.Up;

/// <summary>
/// The client menu that <c>up</c> opens once the cluster is up. It runs in up's own process, so
/// that it and the components' lines share one console; it ends when the user leaves it, on
/// SIGTERM or Ctrl-C, or when a component dies under it.
/// </summary>
internal static class UpMenu
{
    public static async Task<int> RunAsync(UpOptions options, ClientTls? tls, TerminalSession terminal, IReadOnlyList<ComponentProcess> components, CancellationToken cancellationToken)
    {
        using var stopMenu = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var client = new RoundaboutClientOptions
        {
            Registries = [new EndpointAddress("localhost", options.RegistryPort)],
            Policy = options.Policy,
            Tls = tls,
        };
        // The menu logs as a client does: warnings and errors, unless up was asked for less.
        var clientLog = options.Log.Minimum > LogLevel.Warning ? options.Log : options.Log with { Minimum = LogLevel.Warning };
        var menu = ClientRun.RunAsync(client, clientLog, c => new ClientMenu(c, terminal.Menu).RunAsync(stopMenu.Token), logOutput: terminal.LogOutput);
        // SIGTERM or Ctrl-C: the menu may be blocked in a read of standard input that no token can
        // interrupt, so up stops on the signal itself rather than on the menu's return.
        var interrupted = Task.Delay(Timeout.Infinite, cancellationToken);
        var first = await Task.WhenAny([menu, interrupted, .. components.Select(c => c.Exited)]);
        if (first == interrupted)
        {
            await stopMenu.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (first != menu)
        {
            // A component died under the client: say which, stop everything, and fail.
            await stopMenu.CancelAsync();
            var dead = components.First(c => c.HasExited);
            throw new LaunchFailedException($"The {dead.Name} exited unexpectedly ({ReadinessProbe.LastLine(dead)}); stopping everything.");
        }

        return await menu;
    }
}
