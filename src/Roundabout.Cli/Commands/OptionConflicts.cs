using System.CommandLine;
using System.Runtime.CompilerServices;

namespace Roundabout.Cli.Commands;

/// <summary>
/// Options that cannot be given together (such as --in-memory and --data-dir). The command's own
/// validator refuses both on the command line; this record lets a value from the environment
/// yield to its rival on the command line instead of clashing with it, since the command line wins.
/// </summary>
internal static class OptionConflicts
{
    private static readonly ConditionalWeakTable<Option, List<Option>> _rivals = new();

    public static void Exclusive(Option first, Option second)
    {
        _rivals.GetOrCreateValue(first).Add(second);
        _rivals.GetOrCreateValue(second).Add(first);
    }

    public static IReadOnlyList<Option> RivalsOf(Option option) => _rivals.TryGetValue(option, out var rivals) ? rivals : [];
}
