namespace Roundabout.Server.Calculation;

/// <summary>Keeps huge numbers from flooding the log.</summary>
internal static class LogText
{
    private const int Max = 40;

    public static string Short(string text) =>
        text.Length <= Max ? text : $"{text[..20]}...{text[^12..]} ({text.Length} digits)";
}
