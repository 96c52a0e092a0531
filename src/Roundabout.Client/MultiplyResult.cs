namespace Roundabout.Client;

/// <summary>The accumulator after a multiplication.</summary>
/// <param name="Replayed">True when a retry found the request already applied and got its first result.</param>
public sealed record MultiplyResult(string Result, string Server, string Name, bool Replayed, string RequestId);
