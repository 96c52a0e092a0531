namespace Roundabout.Database.Engine;

/// <summary>An atomic op's result would pass the integer cap; the whole transaction was refused.</summary>
internal sealed class ResultOutOfRangeException(string message) : Exception(message);

/// <summary>An atomic op met a stored value that is not a decimal integer; the whole transaction was refused.</summary>
internal sealed class NotAnIntegerException(string message) : Exception(message);

/// <summary>An atomic op's session key holds a value that is not a session record; the whole transaction was refused.</summary>
internal sealed class NotASessionRecordException(string message) : Exception(message);
