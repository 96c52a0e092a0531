namespace Roundabout.Hosting;

/// <summary>How log lines are written.</summary>
public enum LogFormat
{
    /// <summary>The exercise's one-line text: <c>2026/01/17 20:04:16 [Registry] message</c>.</summary>
    Text,

    /// <summary>One JSON object per line, for log collectors.</summary>
    Json,
}
