using System.Globalization;

namespace Roundabout.Contracts;

/// <summary>Durations as people read them in a log line: <c>250 ms</c>, <c>2 s</c>, <c>2.5 s</c>, <c>3 min</c>.</summary>
public static class HumanDuration
{
    public static string Format(TimeSpan duration)
    {
        var c = CultureInfo.InvariantCulture;
        if (duration < TimeSpan.FromSeconds(1))
        {
            return string.Create(c, $"{Math.Round(duration.TotalMilliseconds):0} ms");
        }

        if (duration < TimeSpan.FromMinutes(2))
        {
            return string.Create(c, $"{duration.TotalSeconds:0.#} s");
        }

        return string.Create(c, $"{duration.TotalMinutes:0.#} min");
    }
}
