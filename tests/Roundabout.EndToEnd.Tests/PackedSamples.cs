using System.Diagnostics;

namespace Roundabout.EndToEnd.Tests;

/// <summary>
/// The packages packed from this tree under a version of their own (so no cached package of the
/// same version can stand in for them) into a feed folder, and the samples copied out of the
/// repository and built against that feed alone, as an application of someone else's would be.
/// </summary>
public sealed class PackedSamples : IAsyncLifetime
{
    private static readonly string[] _packed = ["Roundabout.Contracts", "Roundabout.Client", "Roundabout.Registration", "Roundabout.ServiceDiscovery", "Roundabout.Cli"];
    private static readonly TimeSpan _commandTimeout = TimeSpan.FromMinutes(8);

    public string Version { get; } = $"1.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"roundabout-samples-{Guid.NewGuid():N}");

    public string Feed => Path.Combine(Directory, "feed");

    public string Samples => Path.Combine(Directory, "samples");

    public string Dll(string sample) => Path.Combine(Samples, sample, "bin", "Release", "net10.0", sample + ".dll");

    public async Task InitializeAsync()
    {
        var root = RepositoryRoot();
        System.IO.Directory.CreateDirectory(Feed);
        foreach (var project in _packed)
        {
            await RunAsync("dotnet", ["pack", Path.Combine(root, "src", project), "-c", "Release", $"-p:Version={Version}", $"-p:PackageOutputPath={Feed}", "--nologo", "-v", "quiet"]);
        }

        CopyDirectory(Path.Combine(root, "samples"), Samples);
        await File.WriteAllTextAsync(Path.Combine(Samples, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="roundabout-under-test" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
        await RunAsync("dotnet", ["build", Path.Combine(Samples, "Samples.slnx"), "-c", "Release", $"-p:RoundaboutVersion={Version}", "--nologo", "-v", "quiet"]);
    }

    public Task DisposeAsync()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    /// <summary>Runs a command to its end; throws with its output when it fails.</summary>
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> args)
    {
        await using var process = CliProcess.StartProgram(fileName, args);
        var code = await process.WaitForExitAsync(_commandTimeout);
        if (code != 0)
        {
            throw new InvalidOperationException($"'{fileName} {string.Join(' ', args)}' exited with {code}:\n{process.Output}");
        }

        return process.Output;
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            {
                continue;
            }

            var target = Path.Combine(to, relative);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Roundabout.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Roundabout.slnx not found above the test binaries.");
    }
}
