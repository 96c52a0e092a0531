using System.Reflection;

namespace Roundabout.Cli;

/// <summary>This build's version and commit, as <c>roundabout --version</c> prints it.</summary>
internal static class CodeVersion
{
    public static string Text { get; } =
        typeof(CodeVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(CodeVersion).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
