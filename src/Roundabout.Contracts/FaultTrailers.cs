namespace Roundabout.Contracts;

/// <summary>Trailers that say which component failed a call, so a client blames the right one.</summary>
public static class FaultTrailers
{
    /// <summary>
    /// Set by a calculation server when its shared store failed the call, not the server itself.
    /// The value names the store, for example <c>the database at localhost:8001</c> or
    /// <c>Redis at localhost:6379</c>. Every server shares that store, so another server cannot help.
    /// </summary>
    public const string Store = "roundabout-store";
}
