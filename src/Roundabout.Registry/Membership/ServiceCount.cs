namespace Roundabout.Registry.Membership;

/// <summary>One service the registry holds: how many instances, and how many of them are suspect.</summary>
public sealed record ServiceCount(string Name, int Instances, int Suspect);
