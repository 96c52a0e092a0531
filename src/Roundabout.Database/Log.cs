using Microsoft.Extensions.Logging;

namespace Roundabout.Database;

/// <summary>Every log message of the database, with stable event ids (2000 to 2999, <see cref="Contracts.LogEventIds"/>).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Shared Memory running on port :{Port}")]
    public static partial void Running(ILogger logger, int port);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Data directory {Directory}: {Keys} keys at revision {Revision} (snapshot at revision {SnapshotRevision}, {Replayed} log records replayed)")]
    public static partial void Recovered(ILogger logger, string directory, int keys, long revision, long snapshotRevision, int replayed);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "In-memory mode: nothing is written to disk, and everything is lost when the database stops")]
    public static partial void InMemory(ILogger logger);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "The log {Path} ends in a torn write at byte offset {Offset} ({Bytes} bytes), left by a crash; truncated it. Such a write was never acknowledged")]
    public static partial void TornTail(ILogger logger, string path, long offset, long bytes);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Snapshot at revision {Revision} written ({Keys} keys); removed {Segments} log segments it covers")]
    public static partial void SnapshotWritten(ILogger logger, long revision, int keys, int segments);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Snapshot failed; the log still holds every write and the next snapshot will retry")]
    public static partial void SnapshotFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Critical, Message = "Writing the log {Path} failed; the database refuses all requests and stops")]
    public static partial void LogWriteFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information, Message = "Database stopped; every acknowledged write is on disk")]
    public static partial void Closed(ILogger logger);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Error, Message = "The disk that holds {Directory} is full: writes are refused (RESOURCE_EXHAUSTED) and reads still served. Free space on that disk; writes resume by themselves")]
    public static partial void DiskFull(ILogger logger, string directory);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "The disk that holds {Directory} has room again: writes are accepted")]
    public static partial void DiskSpaceBack(ILogger logger, string directory);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Could not create the reserve file {Path}; writes stay refused and it is tried again")]
    public static partial void ReserveFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "Database stopped; it ran in memory, so everything it held is gone")]
    public static partial void ClosedInMemory(ILogger logger);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, Message = "Refused {Method} from {Peer}: {Reason}")]
    public static partial void CallRefused(ILogger logger, string method, string peer, string reason);
}
