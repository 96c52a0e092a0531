namespace Roundabout.Server.Accumulators;

/// <summary>
/// Redis could not be reached or did not answer in time. The outcome of a write in flight is
/// unknown, so the caller answers Unavailable and the client may retry; a Multiply retried with
/// its request id is applied once.
/// </summary>
public sealed class RedisStoreUnavailableException(string store, Exception inner)
    : IOException($"Redis at {store} is unavailable ({inner.Message}); check that it runs, then retry.", inner);
