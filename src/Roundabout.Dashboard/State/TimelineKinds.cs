namespace Roundabout.Dashboard.State;

/// <summary>The kinds of timeline entries the page knows.</summary>
public static class TimelineKinds
{
    public const string Joined = "joined";
    public const string Left = "left";
    public const string Evicted = "evicted";
    public const string Updated = "updated";
    public const string Suspect = "suspect";

    /// <summary>The first list the dashboard received.</summary>
    public const string Listed = "listed";

    /// <summary>Seen in a fresh list after a reconnect, without its join event.</summary>
    public const string Appeared = "appeared";

    /// <summary>Missing from a fresh list after a reconnect: it left or was evicted meanwhile.</summary>
    public const string Gone = "gone";

    public const string RegistryLost = "registry-unreachable";
    public const string RegistryBack = "registry-reachable";
}
