namespace Roundabout.Hosting;

/// <summary>Maps a logger category to the exercise's component tag, such as <c>[Registry]</c>.</summary>
public static class ComponentTag
{
    private static readonly (string Prefix, string Tag)[] _tags =
    [
        ("Roundabout.Registry", "Registry"),
        ("Roundabout.Database", "Database"),
        ("Roundabout.Server", "Server"),
        ("Roundabout.Client", "Client"),
        ("Roundabout.Dashboard", "Dashboard"),
        ("Roundabout.Cli", "Roundabout"),
    ];

    /// <summary>The tag of a category, or <paramref name="fallback"/> for categories outside Roundabout.</summary>
    public static string For(string category, string fallback)
    {
        foreach (var (prefix, tag) in _tags)
        {
            if (category.StartsWith(prefix, StringComparison.Ordinal))
            {
                return tag;
            }
        }

        return fallback;
    }
}
