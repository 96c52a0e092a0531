using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;

namespace Roundabout.Cli.Launch;

/// <summary>
/// A component started by <c>up</c> stops itself when <c>up</c> is gone, even after a
/// <c>kill -9</c> of <c>up</c>, so no stray processes hold the ports.
/// </summary>
internal static class ParentWatch
{
    private static readonly TimeSpan _interval = TimeSpan.FromSeconds(1);

    public static IDisposable? StopWhenParentExits(IHostApplicationLifetime lifetime) => WhenParentExits(lifetime.StopApplication);

    /// <summary>
    /// Runs <paramref name="onExit"/> once <c>up</c> is gone, when this process was started by it;
    /// null otherwise. The interactive client needs it too: it shares <c>up</c>'s terminal, whose
    /// input stays open after a <c>kill -9</c> of <c>up</c>, so it would wait at its prompt for ever.
    /// </summary>
    public static IDisposable? WhenParentExits(Action onExit)
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(SelfLauncher.ParentPidVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        var fired = 0;
        return new Timer(_ =>
        {
            if (!IsAlive(pid) && Interlocked.Exchange(ref fired, 1) == 0)
            {
                onExit();
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
