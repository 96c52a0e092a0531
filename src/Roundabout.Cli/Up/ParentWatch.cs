using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;

namespace Roundabout.Cli.Up;

/// <summary>
/// A component started by <c>up</c> stops itself when <c>up</c> is gone, even after a
/// <c>kill -9</c> of <c>up</c>, so no stray processes hold the ports.
/// </summary>
internal static class ParentWatch
{
    private static readonly TimeSpan _interval = TimeSpan.FromSeconds(1);

    public static IDisposable? StopWhenParentExits(IHostApplicationLifetime lifetime)
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(SelfLauncher.ParentPidVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        return new Timer(_ =>
        {
            if (!IsAlive(pid))
            {
                lifetime.StopApplication();
            }
        }, null, _interval, _interval);
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
