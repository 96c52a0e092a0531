namespace Roundabout.Client;

/// <summary>A result and the address of the server that computed it.</summary>
public sealed record CalculationResult(string Result, string Server);
