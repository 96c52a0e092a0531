using System.CommandLine;

namespace Roundabout.Cli.Commands;

/// <summary>A repeatable <c>--name key=value</c> option.</summary>
internal static class KeyValueOption
{
    public static Option<string[]> Create(string name, string description) => new(name)
    {
        Description = description,
        AllowMultipleArgumentsPerToken = false,
        Validators =
        {
            r =>
            {
                foreach (var pair in r.GetValueOrDefault<string[]>() ?? [])
                {
                    if (pair.IndexOf('=', StringComparison.Ordinal) <= 0)
                    {
                        r.AddError($"{name} takes key=value, for example version=1.2; got '{pair}'.");
                    }
                }
            },
        },
    };

    public static Dictionary<string, string> ToDictionary(string[]? pairs) =>
        (pairs ?? []).Select(p => p.Split('=', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);
}
