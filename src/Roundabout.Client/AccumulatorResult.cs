namespace Roundabout.Client;

/// <summary>The value of a named accumulator, read or reset by one server.</summary>
public sealed record AccumulatorResult(string Name, string Value, string Server);
