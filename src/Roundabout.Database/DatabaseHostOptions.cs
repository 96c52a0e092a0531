using System.Net;
using Roundabout.Hosting;

namespace Roundabout.Database;

/// <summary>How the database listens and where it keeps its data. Validated when the host is built.</summary>
public sealed class DatabaseHostOptions
{
    /// <summary>The default data directory, under the working directory.</summary>
    public static readonly string DefaultDataDirectory = Path.Combine("data", "database");

    /// <summary>The interface to bind; loopback unless opened explicitly.</summary>
    public IPAddress Listen { get; init; } = IPAddress.Loopback;

    /// <summary>The port; 0 picks a free one.</summary>
    public int Port { get; init; } = 8001;

    /// <summary>The log format and level.</summary>
    public LogSettings Log { get; init; } = new();

    /// <summary>The HTTP/1.1 port serving Prometheus metrics at /metrics; null leaves metrics off.</summary>
    public int? MetricsPort { get; init; }

    /// <summary>Where the log and snapshot live. Ignored when <see cref="InMemory"/> is set.</summary>
    public string DataDirectory { get; init; } = DefaultDataDirectory;

    /// <summary>Keep nothing on disk: a throwaway database.</summary>
    public bool InMemory { get; init; }

    /// <summary>When the current log segment grows past this many bytes, a snapshot is taken and the log compacted.</summary>
    public long SnapshotThresholdBytes { get; init; } = Storage.StorageOptions.DefaultSnapshotThresholdBytes;

    /// <summary>The shared token every Database call must carry; null leaves the calls open. The health service stays open either way.</summary>
    public string? Token { get; init; }

    /// <summary>HTTP/2 over TLS with this certificate (and mutual TLS when it has client CAs); null serves cleartext.</summary>
    public Hosting.ServerTls? Tls { get; init; }

    /// <summary>The longest token accepted.</summary>
    public const int MaxTokenLength = 256;

    /// <summary>The clock for key expiry (tests pass a fake one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The log's file operations; tests inject a disk that fills up.</summary>
    internal Storage.ILogDisk? Disk { get; init; }

    internal void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "The port must be from 0 to 65535.");
        }

        if (MetricsPort is < 0 or > 65535 || (MetricsPort == Port && Port != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MetricsPort), MetricsPort, "The metrics port must be from 0 to 65535 and differ from the gRPC port.");
        }

        if (!InMemory && string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException("A data directory is required unless the database runs in memory.", nameof(DataDirectory));
        }

        if (Token is not null && (Token.Length is 0 or > MaxTokenLength || Token.Any(c => c is <= ' ' or > '~')))
        {
            throw new ArgumentException($"The token must be 1 to {MaxTokenLength} printable ASCII characters without spaces.", nameof(Token));
        }

        if (SnapshotThresholdBytes < 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(SnapshotThresholdBytes), SnapshotThresholdBytes, "The snapshot threshold must be at least 4096 bytes.");
        }
    }
}
