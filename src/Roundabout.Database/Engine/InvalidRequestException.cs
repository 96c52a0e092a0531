namespace Roundabout.Database.Engine;

/// <summary>A request the store refuses before changing anything; the message says what to fix.</summary>
internal sealed class InvalidRequestException(string message) : Exception(message);
