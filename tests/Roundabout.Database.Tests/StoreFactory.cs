using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Roundabout.Database.Engine;
using Roundabout.Database.Storage;

namespace Roundabout.Database.Tests;

/// <summary>Opens stores the way the host does, for engine and log tests without a network.</summary>
internal static class StoreFactory
{
    public static KeyValueStore InMemory(TimeProvider? time = null) =>
        new(StoreImage.Empty, new MemoryLog(), time ?? TimeProvider.System);

    public static (KeyValueStore Store, DurableLog Log) Durable(string directory, TimeProvider? time = null, ILogger? logger = null, long snapshotThresholdBytes = 64L * 1024 * 1024)
    {
        var (log, image) = DurableLog.Open(new StorageOptions { DataDirectory = directory, SnapshotThresholdBytes = snapshotThresholdBytes }, logger ?? NullLogger.Instance);
        return (new KeyValueStore(image, log, time ?? TimeProvider.System), log);
    }

    public static byte[] Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    public static string Text(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);
}
