namespace Roundabout.Cli.Verify;

/// <summary>How one multiply ended, as the client saw it.</summary>
internal enum MultiplyOutcomeKind
{
    /// <summary>A server answered with the new value: it was applied.</summary>
    Acknowledged,

    /// <summary>Refused before anything changed (invalid, past the cap): never applied.</summary>
    Refused,

    /// <summary>No answer (timeout, store or server down): it may or may not have been applied.</summary>
    Unknown,
}

/// <summary>One multiply of a verify run: its prime factor, its request id and how it ended.</summary>
internal sealed record MultiplyRecord(int Prime, string RequestId, MultiplyOutcomeKind Outcome, string? Result, string? Error);
