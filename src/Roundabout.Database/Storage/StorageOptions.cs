namespace Roundabout.Database.Storage;

/// <summary>Where and how the durable log keeps its files.</summary>
internal sealed class StorageOptions
{
    public required string DataDirectory { get; init; }

    /// <summary>When the current log segment grows past this, a snapshot is taken and older segments are removed.</summary>
    public long SnapshotThresholdBytes { get; init; } = 64L * 1024 * 1024;
}
