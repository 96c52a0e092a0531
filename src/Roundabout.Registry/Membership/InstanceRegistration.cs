namespace Roundabout.Registry.Membership;

/// <summary>A validated registration: a normalised service name and <c>host:port</c> address, and bounded metadata.</summary>
public sealed record InstanceRegistration(string Service, string Address, IReadOnlyDictionary<string, string> Metadata);
