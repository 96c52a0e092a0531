using Roundabout.Database.Storage;

namespace Roundabout.Database.Tests.Storage;

/// <summary>A data directory the database cannot use is reported with its real cause, not as "in use".</summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class DataDirectoryTests
{
    [Fact]
    public void Open_UnwritableDirectory_ReportsTheRealCause()
    {
        string path;
        string cause;
        using var dir = new TempDirectory();
        TmpfsMount? mount = null;
        try
        {
            if (TmpfsMount.IsRoot)
            {
                // Root may write whatever the mode says, so as root (CI) the file system itself refuses.
                mount = TmpfsMount.Create("1m");
                mount.RemountReadOnly();
                path = mount.Path;
                cause = "read-only file system";
            }
            else if (!OperatingSystem.IsWindows())
            {
                path = Directory.CreateDirectory(dir.File("data")).FullName;
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
                cause = "permission denied";
            }
            else
            {
                return;
            }

            var error = Assert.Throws<StoreOpenException>(() => DataDirectory.Open(path));

            Assert.Contains(cause, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("in use", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            mount?.Dispose();
        }
    }

    [Fact]
    public void Open_HeldByAnotherOpen_SaysInUse()
    {
        using var dir = new TempDirectory();
        using var first = DataDirectory.Open(dir.Path);

        var error = Assert.Throws<StoreOpenException>(() => DataDirectory.Open(dir.Path));

        Assert.Contains("in use by another database process", error.Message, StringComparison.Ordinal);
    }
}
