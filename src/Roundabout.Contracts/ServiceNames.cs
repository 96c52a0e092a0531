namespace Roundabout.Contracts;

/// <summary>Well-known names shared by every component.</summary>
public static class ServiceNames
{
    /// <summary>The service the calculation servers register as.</summary>
    public const string Calculator = "calculator";

    /// <summary>The exercise's GlobalAccumulator.</summary>
    public const string GlobalAccumulator = "global";

    /// <summary>Returns <paramref name="service"/>, or <see cref="Calculator"/> when it is empty.</summary>
    public static string OrDefault(string? service) =>
        string.IsNullOrWhiteSpace(service) ? Calculator : service;
}
