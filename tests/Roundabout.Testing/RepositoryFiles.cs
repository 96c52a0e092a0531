namespace Roundabout.Testing;

/// <summary>The repository's own files (the docs, the sources) for tests that check them against the code.</summary>
public static class RepositoryFiles
{
    /// <summary>The folder that holds Roundabout.slnx, found from the tests' folder upwards.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The text of a file, by its path from the root with '/' between folders.</summary>
    public static string Read(string relativePath) =>
        File.ReadAllText(Path.Combine([Root, .. relativePath.Split('/')]));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Roundabout.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The tests do not run from inside the repository.");
    }
}
