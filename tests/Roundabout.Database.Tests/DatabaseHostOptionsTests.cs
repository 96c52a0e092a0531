namespace Roundabout.Database.Tests;

[Trait(Tier.Name, Tier.Unit)]
public sealed class DatabaseHostOptionsTests
{
    [Fact]
    public void Defaults_AreDurableUnderDataDatabaseOnPort8001()
    {
        var options = new DatabaseHostOptions();
        Assert.Equal((8001, false, Path.Combine("data", "database")), (options.Port, options.InMemory, options.DataDirectory));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Build_PortOutOfRange_IsRefusedBeforeAnythingStarts(int port) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => DatabaseHost.Build(new DatabaseHostOptions { Port = port, InMemory = true }));

    [Fact]
    public void Build_NoDataDirectoryAndNotInMemory_IsRefused() =>
        Assert.Throws<ArgumentException>(() => DatabaseHost.Build(new DatabaseHostOptions { Port = 0, DataDirectory = " " }));

    [Fact]
    public void Build_TinySnapshotThreshold_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => DatabaseHost.Build(new DatabaseHostOptions { Port = 0, InMemory = true, SnapshotThresholdBytes = 10 }));
}
