namespace Roundabout.Client.Discovery;

/// <summary>
/// The backoff of a <see cref="RegistryWatcher"/> between a broken stream and the next one: it
/// starts at <see cref="FirstBackoff"/>, doubles after each stream that brought nothing, up to
/// <see cref="MaxBackoff"/>, and starts again after any event.
/// </summary>
internal sealed class RegistryWatchOptions
{
    /// <summary>The client's policy: 250 ms growing to 5 s.</summary>
    public static RegistryWatchOptions Default { get; } = new();

    /// <summary>The wait after a stream that had delivered events.</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait, however many streams in a row broke.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait after <paramref name="backoff"/> when that stream too broke without an event.</summary>
    public TimeSpan Next(TimeSpan backoff) => TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
}
