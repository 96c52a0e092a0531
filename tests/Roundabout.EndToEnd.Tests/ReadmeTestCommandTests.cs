using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Roundabout.EndToEnd.Tests;

/// <summary>The README's test command must work on a machine with only the .NET SDK, and be what CI runs.</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed partial class ReadmeTestCommandTests
{
    [Fact]
    public void ReadmeTestCommand_IsTheCommandCiRuns()
    {
        var root = RepositoryFiles.Root;
        var command = ReadmeTestCommand(root);

        var ci = File.ReadAllText(Path.Combine(root, ".ci", "run"));
        Assert.Contains(command + " ", ci, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadmeTestCommand_InstallsTheEnginesThenRunsDotnetTest()
    {
        var root = RepositoryFiles.Root;
        var command = ReadmeTestCommand(root);

        // A stand-in dotnet on the PATH records what it is asked to do, so the command runs fast.
        var stubs = Directory.CreateTempSubdirectory("roundabout-stub-");
        try
        {
            var stub = Path.Combine(stubs.FullName, "dotnet");
            await File.WriteAllTextAsync(stub, "#!/bin/sh\necho \"stub-dotnet $*\"\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(stub, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var info = new ProcessStartInfo("bash") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(command + " --no-build");
            info.Environment["PATH"] = stubs.FullName + ":" + Environment.GetEnvironmentVariable("PATH");
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
            var output = await stdout + await stderr;

            Assert.True(process.ExitCode == 0, output);
            var engines = output.IndexOf("engines:", StringComparison.Ordinal);
            var test = output.IndexOf("stub-dotnet test " + Path.Combine(root, "Roundabout.slnx") + " --no-build", StringComparison.Ordinal);
            Assert.True(engines >= 0, $"the engines are not checked or installed first:\n{output}");
            Assert.True(test > engines, $"dotnet test on the solution does not follow the engines:\n{output}");
        }
        finally
        {
            stubs.Delete(recursive: true);
        }
    }

    private static string ReadmeTestCommand(string root)
    {
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var match = TestSection().Match(readme);
        Assert.True(match.Success, "README.md has no '## Test it' section with a bash block.");
        var lines = match.Groups["code"].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return Assert.Single(lines);
    }

    [GeneratedRegex(@"## Test it\s*```bash\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex TestSection();
}
