namespace Roundabout.Client;

/// <summary>The accumulator after a multiplication.</summary>
/// <param name="Result">The accumulator's value after the multiplication.</param>
/// <param name="Server">The server that answered, as host:port.</param>
/// <param name="Name">The accumulator's name.</param>
/// <param name="RequestId">The request id the call was sent with (empty when it used the session).</param>
/// <param name="Replayed">True when a retry found the request already applied and got its first result.</param>
public sealed record MultiplyResult(string Result, string Server, string Name, bool Replayed, string RequestId);
