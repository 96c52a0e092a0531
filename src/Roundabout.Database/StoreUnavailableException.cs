namespace Roundabout.Database;

/// <summary>The store is closed or its log failed; the request may be retried on a restarted database.</summary>
internal sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
