namespace Roundabout.Client;

/// <summary>One service the registry holds.</summary>
/// <param name="Name">The name its instances registered under.</param>
/// <param name="Instances">How many instances it has.</param>
/// <param name="Suspect">How many of them the registry holds as suspect (their lease lapsed in a mass expiry).</param>
public sealed record ServiceSummary(string Name, int Instances, int Suspect);
