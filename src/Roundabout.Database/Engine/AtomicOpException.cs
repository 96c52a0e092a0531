namespace Roundabout.Database.Engine;

/// <summary>An atomic op's result would pass the integer cap; the whole transaction was refused.</summary>
internal sealed class ResultOutOfRangeException(string message) : Exception(message);

/// <summary>An atomic op met a stored value that is not a decimal integer; the whole transaction was refused.</summary>
internal sealed class NotAnIntegerException(string message) : Exception(message);
