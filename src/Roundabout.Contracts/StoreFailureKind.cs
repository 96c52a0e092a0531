namespace Roundabout.Contracts;

/// <summary>How a shared accumulator store failed a call (see <see cref="StoreFailureException"/>).</summary>
public enum StoreFailureKind
{
    /// <summary>It could not be reached or did not answer in time: a write in flight may or may not have been applied.</summary>
    Unavailable,

    /// <summary>It answered and refused the request (a full disk, say); nothing was applied.</summary>
    Refused,

    /// <summary>It refused this server's credentials; nothing was applied, and retrying will not help.</summary>
    Unauthorized,

    /// <summary>A key holds what Roundabout did not write there (a value that is not a number, say); nothing was applied.</summary>
    CorruptValue,

    /// <summary>Other servers kept changing the accumulator under a compare-and-set store; nothing was applied.</summary>
    Contention,
}
