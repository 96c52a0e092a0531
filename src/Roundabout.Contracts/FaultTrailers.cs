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

    /// <summary>
    /// Set by a calculation server when the store refused a Multiply's session sequence and
    /// applied nothing: <c>already-confirmed</c>, <c>unknown-session</c> (the client should start
    /// a new session) or <c>too-many-in-flight</c>.
    /// </summary>
    public const string Session = "roundabout-session";

    public const string UnknownSession = "unknown-session";

    public static string SessionValue(Sessions.SessionDecision decision) => decision switch
    {
        Sessions.SessionDecision.AlreadyConfirmed => "already-confirmed",
        Sessions.SessionDecision.UnknownSession => UnknownSession,
        Sessions.SessionDecision.TooManyInFlight => "too-many-in-flight",
        _ => decision.ToString().ToLowerInvariant(),
    };
}
