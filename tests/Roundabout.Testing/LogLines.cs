namespace Roundabout.Testing;

/// <summary>The exercise's log lines as patterns, for <see cref="CliProcess.WaitForLineAsync"/> and friends.</summary>
public static class LogLines
{
    /// <summary>The exercise's time stamp at the start of every line: <c>2026/11/26 06:59:01 </c>.</summary>
    public const string Stamp = @"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} ";

    /// <summary>The registry is up; the group <c>port</c> holds its port.</summary>
    public const string RegistryRunning = Stamp + @"\[Registry\] Service Registry running on port :(?<port>\d+)$";

    /// <summary>The database is up; the group <c>port</c> holds its port.</summary>
    public const string DatabaseRunning = Stamp + @"\[Database\] Shared Memory running on port :(?<port>\d+)$";

    /// <summary>A server is up; the groups <c>host</c> and <c>port</c> hold its advertised address.</summary>
    public const string ServerRunning = Stamp + @"\[Server\] Server running on (?<host>[^\s:]+):(?<port>\d+)\. Waiting for requests\.\.\.$";

    /// <summary>A server registered at start.</summary>
    public const string ServerRegistered = Stamp + @"\[Server\] Successfully registered to Registry$";

    /// <summary>The registry's line for a server that joined.</summary>
    public static string Registered(string address) => Stamp + @"\[Registry\] Server registered: " + Escape(address) + "$";

    /// <summary>The registry's line for a server whose lease ran out.</summary>
    public static string Evicted(string address) => Stamp + @"\[Registry\] Server evicted \(missed heartbeats\): " + Escape(address) + "$";

    private static string Escape(string text) => System.Text.RegularExpressions.Regex.Escape(text);
}
