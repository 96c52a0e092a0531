using System.Globalization;

namespace Roundabout.Testing;

/// <summary>One process as the kernel's process table (<c>/proc</c>) shows it.</summary>
/// <param name="StartTime">Clock ticks after boot when it started: with the id, it names the process even if the id is reused.</param>
public sealed record ProcessEntry(int Pid, int ParentPid, char State, long StartTime, string CommandLine);

/// <summary>Reads the process table, to see which processes a command left behind.</summary>
public static class ProcessTable
{
    /// <summary>Every live process whose chain of parents leads to <paramref name="pid"/>: children, grandchildren and so on.</summary>
    public static IReadOnlyList<ProcessEntry> Descendants(int pid)
    {
        var all = Snapshot();
        var children = all.ToLookup(p => p.ParentPid);
        var found = new List<ProcessEntry>();
        var pending = new Queue<int>([pid]);
        while (pending.TryDequeue(out var parent))
        {
            foreach (var child in children[parent])
            {
                found.Add(child);
                pending.Enqueue(child.Pid);
            }
        }

        return found;
    }

    /// <summary>True while that very process (same id and start time) exists and is not a zombie.</summary>
    public static bool IsAlive(ProcessEntry process) =>
        Read(process.Pid) is { } now && now.StartTime == process.StartTime && now.State != 'Z' && now.State != 'X';

    /// <summary>Every process on the machine.</summary>
    public static IReadOnlyList<ProcessEntry> Snapshot()
    {
        var entries = new List<ProcessEntry>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Read(pid) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    /// <summary>One process's entry, or null once it is gone.</summary>
    public static ProcessEntry? Read(int pid)
    {
        try
        {
            // "pid (comm) state ppid ... starttime(22nd) ...": comm may hold spaces and parentheses, so split after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
            return new ProcessEntry(
                pid,
                int.Parse(fields[1], CultureInfo.InvariantCulture),
                fields[0][0],
                long.Parse(fields[19], CultureInfo.InvariantCulture),
                commandLine);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
