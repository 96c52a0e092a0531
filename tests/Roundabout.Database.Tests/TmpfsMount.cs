using System.Diagnostics;

namespace Roundabout.Database.Tests;

/// <summary>
/// A small tmpfs mounted on a fresh directory, to make a real file system full or read-only.
/// Mounting needs root, which CI has; <see cref="RequireRoot"/> fails a test clearly elsewhere.
/// </summary>
internal sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path)
    {
        Path = path;
    }

    public string Path { get; }

    public static bool IsRoot => Environment.UserName == "root" || Run("id", "-u").Trim() == "0";

    /// <summary>Mount tests run as root, as CI does; anywhere else they fail and say why, rather than pass unseen.</summary>
    public static void RequireRoot() =>
        Assert.True(IsRoot, "This test mounts a small tmpfs and needs root, as CI runs it: run it as root (for example in a container).");

    public static TmpfsMount Create(string size)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "roundabout-tmpfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        Run("mount", "-t", "tmpfs", "-o", $"size={size},mode=0755", "tmpfs", path);
        return new TmpfsMount(path);
    }

    public void RemountReadOnly() => Run("mount", "-o", "remount,ro", Path);

    public void Dispose()
    {
        try
        {
            Run("umount", "-l", Path);
            Directory.Delete(Path);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
        }
    }

    private static string Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed: {error}");
        }

        return output;
    }
}
