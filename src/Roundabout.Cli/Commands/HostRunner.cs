using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Roundabout.Cli.Launch;
using Roundabout.Hosting;

namespace Roundabout.Cli.Commands;

/// <summary>Runs a component's host and turns start-up failures into one clear line and exit code 1.</summary>
internal sealed class HostRunner(TimeProvider time)
{
    public async Task<int> RunAsync(string component, int port, LogSettings log, Func<WebApplication> build, int? metricsPort = null)
    {
        try
        {
            await using var app = build();
            using var orphanWatch = ParentWatch.StopWhenParentExits(app.Lifetime);
            await app.RunAsync();
            return Environment.ExitCode;
        }
        catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            return metricsPort is { } busy && ex.Message.Contains($":{busy}", StringComparison.Ordinal)
                ? Fail(component, log, $"metrics port {busy} is already in use; stop what holds it or choose another port with --metrics-port.")
                : Fail(component, log, $"port {port} is already in use; stop what holds it or choose another port with --port.");
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ArgumentException or UnauthorizedAccessException or InvalidDataException)
        {
            return Fail(component, log, ex.Message);
        }
    }

    /// <summary>Writes the failure as an error log line, in the chosen format, on stderr; returns exit code 1.</summary>
    public int Fail(string component, LogSettings log, string message)
    {
        Console.Error.WriteLine(CliLogLine.Format(time, log.Format, component, $"Roundabout.{component}", LogLevel.Error, message));
        return 1;
    }
}
