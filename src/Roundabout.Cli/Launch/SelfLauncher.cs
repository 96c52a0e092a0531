using System.Diagnostics;
using Roundabout.Hosting;

namespace Roundabout.Cli.Launch;

/// <summary>Starts this same roundabout executable as a child process, however it was launched.</summary>
internal static class SelfLauncher
{
    /// <summary>Set in every child of <c>up</c>: the child stops when that process is gone.</summary>
    public const string ParentPidVariable = "ROUNDABOUT_PARENT_PID";

    /// <summary>Set per child: the component answers with it in every reply, so <c>up</c> knows it is talking to its own child.</summary>
    public const string InstanceVariable = GrpcHost.InstanceVariable;

    /// <param name="args">The command and its options.</param>
    /// <param name="inheritSettings">
    /// Whether the child sees this process's ROUNDABOUT_ variables, which it would read as its
    /// options. A cluster that must be exactly as its arguments say (verify --chaos) drops them.
    /// </param>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, bool inheritSettings = true)
    {
        var processPath = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell which executable is running.");
        var info = new ProcessStartInfo(processPath) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            // Launched as 'dotnet roundabout.dll' (dotnet run, tests): run the same assembly.
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "roundabout.dll"));
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        if (!inheritSettings)
        {
            foreach (var variable in info.Environment.Keys.Where(k => k.StartsWith(Commands.EnvironmentOptions.Prefix, StringComparison.Ordinal)).ToArray())
            {
                info.Environment.Remove(variable);
            }
        }

        info.Environment[ParentPidVariable] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return info;
    }
}
