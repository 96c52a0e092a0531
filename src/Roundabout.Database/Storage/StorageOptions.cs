namespace Roundabout.Database.Storage;

/// <summary>Where and how the durable log keeps its files.</summary>
internal sealed class StorageOptions
{
    public required string DataDirectory { get; init; }

    /// <summary>
    /// 16 MiB: with client sessions the store holds few keys, so a snapshot is small and cheap, and
    /// a restart replays at most this much log (about a third of a second), so it stays fast.
    /// </summary>
    public const long DefaultSnapshotThresholdBytes = 16L * 1024 * 1024;

    /// <summary>When the current log segment grows past this, a snapshot is taken and older segments are removed.</summary>
    public long SnapshotThresholdBytes { get; init; } = DefaultSnapshotThresholdBytes;

    /// <summary>
    /// The size of the reserve file: room, when the disk fills up, for the writes that were already
    /// applied in memory to become durable. Writes in flight beyond it make the database stop.
    /// </summary>
    public long ReserveBytes { get; init; } = 4L * 1024 * 1024;

    /// <summary>While the disk is full, how often the log tries to create its reserve again (and so resume writes).</summary>
    public TimeSpan DiskFullRetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where the log reports its fsyncs; null reports nothing.</summary>
    public Telemetry.DatabaseMetrics? Metrics { get; init; }

    /// <summary>The file operations (a test injects a disk that fills up).</summary>
    public ILogDisk Disk { get; init; } = SystemLogDisk.Instance;
}
